// The official OpenAI Node SDK (npm `openai`) against the gateway's /v1
// aliases: models.list, chat.completions.create (whole and streamed, through
// every protocol) and the SDK's error classes, with an access token and with
// a personal API key (API.md section 8), as a user would paste it. Run by scripts/test.sh against
// the integration stack (providers on the fake server); prints "N passed, M failed".
import OpenAI from 'openai';

const base = process.env.LLMAPI_TEST_URL;
let passed = 0, failed = 0;

async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`${name} ... ok`);
  } catch (e) {
    failed++;
    console.log(`${name} ... FAIL\n  ${e && e.stack ? e.stack : e}`);
  }
}
function check(cond, what) { if (!cond) throw new Error(`assertion failed: ${what}`); }

async function accessToken() {
  const username = `sdk_${process.pid}_${Date.now()}`;
  const creds = JSON.stringify({ username, password: 'sdk-password-123' });
  const headers = { 'Content-Type': 'application/json' };
  let r = await fetch(`${base}/api/signup/`, { method: 'POST', headers, body: creds });
  check(r.status === 201, `signup 201, got ${r.status}`);
  r = await fetch(`${base}/api/token/`, { method: 'POST', headers, body: creds });
  return (await r.json()).access;
}

// A personal API key made with the token, as the console does.
async function apiKey(token, body) {
  const r = await fetch(`${base}/api/keys/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  check(r.status === 201, `key 201, got ${r.status}`);
  const k = await r.json();
  check(/^sk-llm-[A-Za-z0-9_-]{43}$/.test(k.key), `key format: ${k.key}`);
  return k;
}

const messages = [{ role: 'user', content: 'How is the weather on Venus?' }];
const token = await accessToken();
const client = new OpenAI({ apiKey: token, baseURL: `${base}/v1`, maxRetries: 0 });
const keyClient = new OpenAI({ apiKey: (await apiKey(token, { name: 'sdk' })).key, baseURL: `${base}/v1`, maxRetries: 0 });

await test('models.list gives provider/model ids of every configured provider', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  check(ids.includes('openai/fake-gpt-4o'), `openai/fake-gpt-4o in ${ids}`);
  check(ids.includes('gemini/fake-gemini-2.0-flash'), `gemini/fake-gemini-2.0-flash in ${ids}`);
});

for (const model of ['gpt-3.5-turbo', 'gemini/fake-gemini-2.0-flash', 'inhouse/llama3']) {
  await test(`chat.completions.create ${model}`, async () => {
    const c = await client.chat.completions.create({ model, messages });
    check(c.object === 'chat.completion', 'object');
    check(c.choices[0].message.role === 'assistant', 'role');
    check(/fake/.test(c.choices[0].message.content), `content: ${c.choices[0].message.content}`);
    check(c.usage.total_tokens === c.usage.prompt_tokens + c.usage.completion_tokens, 'usage adds up');
  });

  await test(`streamed chat.completions.create ${model}`, async () => {
    const stream = await client.chat.completions.create({
      model, messages, stream: true, stream_options: { include_usage: true },
    });
    let text = '', finish = null, usage = null;
    for await (const chunk of stream) {
      check(chunk.object === 'chat.completion.chunk', 'chunk object');
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) {
        text += ch.delta.content ?? '';
        finish = ch.finish_reason ?? finish;
      }
    }
    check(/fake/.test(text), `streamed text: ${text}`);
    check(finish === 'stop', `finish_reason ${finish}`);
    check(usage && usage.completion_tokens > 0, 'usage chunk');
  });
}

await test('an unknown provider is a BadRequestError naming the providers', async () => {
  try {
    await client.chat.completions.create({ model: 'x', messages }, { query: { provider: 'nosuch' } });
    throw new Error('no error raised');
  } catch (e) {
    check(e instanceof OpenAI.BadRequestError, `BadRequestError, got ${e.constructor.name}`);
    check(/openai/.test(e.message) && /gemini/.test(e.message), e.message);
  }
});

await test('a provider failure is an APIError with status 502', async () => {
  try {
    await client.chat.completions.create({ model: 'down/x', messages });
    throw new Error('no error raised');
  } catch (e) {
    check(e instanceof OpenAI.APIError && e.status === 502, `502 APIError, got ${e.status}`);
    check(e.type === 'upstream_error', `type ${e.type}`);
  }
});

await test('a bad token is an AuthenticationError', async () => {
  const bad = new OpenAI({ apiKey: 'not-a-token', baseURL: `${base}/v1`, maxRetries: 0 });
  try {
    await bad.chat.completions.create({ model: 'gpt-3.5-turbo', messages });
    throw new Error('no error raised');
  } catch (e) {
    check(e instanceof OpenAI.AuthenticationError, `AuthenticationError, got ${e.constructor.name}`);
  }
});

await test('with an API key: models.list and chats, whole and streamed, for every provider', async () => {
  const ids = [];
  for await (const m of keyClient.models.list()) ids.push(m.id);
  check(ids.includes('openai/fake-gpt-4o') && ids.includes('gemini/fake-gemini-2.0-flash'), `ids ${ids}`);
  for (const model of ['gpt-3.5-turbo', 'gemini/fake-gemini-2.0-flash', 'inhouse/llama3']) {
    const c = await keyClient.chat.completions.create({ model, messages });
    check(/fake/.test(c.choices[0].message.content), `${model}: ${c.choices[0].message.content}`);
    const stream = await keyClient.chat.completions.create({ model, messages, stream: true });
    let text = '';
    for await (const chunk of stream) for (const ch of chunk.choices) text += ch.delta.content ?? '';
    check(/fake/.test(text), `${model} streamed: ${text}`);
  }
});

await test('a key limited to some models: filtered list, PermissionDeniedError for the others', async () => {
  const narrow = new OpenAI({
    apiKey: (await apiKey(token, { name: 'narrow', providers: ['openai'], models: ['fake-gpt-4o-mini'] })).key,
    baseURL: `${base}/v1`, maxRetries: 0,
  });
  const ids = [];
  for await (const m of narrow.models.list()) ids.push(m.id);
  check(ids.join(',') === 'openai/fake-gpt-4o-mini', `ids ${ids}`);
  const c = await narrow.chat.completions.create({ model: 'fake-gpt-4o-mini', messages });
  check(c.object === 'chat.completion', 'allowed model answers');
  try {
    await narrow.chat.completions.create({ model: 'gemini/fake-gemini-2.0-flash', messages });
    throw new Error('no error raised');
  } catch (e) {
    check(e instanceof OpenAI.PermissionDeniedError, `PermissionDeniedError, got ${e.constructor.name}`);
    check(e.code === 'model_not_allowed', `code ${e.code}`);
  }
});

await test('a revoked key is an AuthenticationError with the message', async () => {
  const k = await apiKey(token, { name: 'to-revoke' });
  const c = new OpenAI({ apiKey: k.key, baseURL: `${base}/v1`, maxRetries: 0 });
  await c.chat.completions.create({ model: 'gpt-3.5-turbo', messages });
  const r = await fetch(`${base}/api/keys/${k.id}/`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  check(r.status === 204, `revoke 204, got ${r.status}`);
  await new Promise((res) => setTimeout(res, 400));  // [auth] user_cache_ms = 200 in the test stack
  try {
    await c.chat.completions.create({ model: 'gpt-3.5-turbo', messages });
    throw new Error('no error raised');
  } catch (e) {
    check(e instanceof OpenAI.AuthenticationError, `AuthenticationError, got ${e.constructor.name}`);
    check(/Invalid API key/.test(e.message) && e.code === 'invalid_api_key', `${e.message} / ${e.code}`);
  }
});

// ---- agent loops: tools through every provider --------------------------------
const tools = [
  { type: 'function', function: { name: 'get_weather', description: 'The weather in a city',
    parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false } } },
  { type: 'function', function: { name: 'get_time', description: 'The time now' } },
];

// Runs the loop an agent runs: ask, execute every tool call, send the results
// back (echoing the assistant message and its call ids), until an answer
// without calls. Returns [the final text, the calls made].
async function agentLoop(c, model, stream) {
  const messages = [{ role: 'user', content: 'please call get_weather and get_time' }];
  const made = [];
  for (let step = 0; step < 4; step++) {
    let message, finish;
    if (!stream) {
      const r = await c.chat.completions.create({ model, messages, tools });
      message = r.choices[0].message;
      finish = r.choices[0].finish_reason;
    } else {
      const s = await c.chat.completions.create({ model, messages, tools, stream: true });
      let content = '';
      const calls = [];
      for await (const chunk of s) {
        const ch = chunk.choices[0];
        if (!ch) continue;
        content += ch.delta.content ?? '';
        for (const tc of ch.delta.tool_calls ?? []) {
          calls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
          const t = calls[tc.index];
          if (tc.id) t.id = tc.id;
          if (tc.function?.name) t.function.name += tc.function.name;
          if (tc.function?.arguments) t.function.arguments += tc.function.arguments;
        }
        finish = ch.finish_reason ?? finish;
      }
      check(calls.every((x) => x), `tool call indexes without gaps: ${JSON.stringify(calls)}`);
      message = { role: 'assistant', content: content || null, ...(calls.length ? { tool_calls: calls } : {}) };
    }
    messages.push(message);
    if (finish !== 'tool_calls') return [message.content, made];
    check(message.tool_calls?.length > 0, 'finish_reason tool_calls comes with tool_calls');
    for (const call of message.tool_calls) {
      check(/^call_[A-Za-z0-9_-]+$/.test(call.id), `tool call id ${call.id}`);
      JSON.parse(call.function.arguments);  // arguments are a JSON string
      made.push(call.function.name);
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ result: `${call.function.name} ok` }) });
    }
  }
  throw new Error('no final answer after 4 steps');
}

for (const model of ['gemini/fake-gemini-2.0-flash', 'gemini/fake-gemini-2.5-pro', 'gemini/fake-gemini-3-pro-preview',
  'openai/fake-gpt-4o', 'inhouse/llama3']) {
  for (const stream of [false, true]) {
    await test(`agent loop with tools, ${model}${stream ? ', streamed' : ''}`, async () => {
      const [text, made] = await agentLoop(keyClient, model, stream);
      check(made.join(',') === 'get_weather,get_time', `calls made: ${made}`);
      check(/tool results/.test(text) && /get_weather ok/.test(text) && /get_time ok/.test(text), `final text: ${text}`);
    });
  }
}

// The SDK asks for base64 by default and decodes it; float on request.
for (const model of ['gemini/fake-embedding-001', 'openai/text-embedding-3-small', 'inhouse/nomic-embed-text']) {
  await test(`embeddings.create ${model}, base64 (the SDK's default) and float agree`, async () => {
    const b = await keyClient.embeddings.create({ model, input: ['hello world', 'second one'], dimensions: 4 });
    const f = await keyClient.embeddings.create({ model, input: ['hello world', 'second one'], dimensions: 4,
      encoding_format: 'float' });
    check(b.data.length === 2 && f.data.length === 2, 'two vectors');
    check(b.data[1].index === 1 && b.data[0].embedding.length === 4, `shape ${JSON.stringify(b.data[0])}`);
    for (let i = 0; i < 4; i++)
      check(Math.abs(b.data[0].embedding[i] - f.data[0].embedding[i]) < 1e-6, `value ${i}`);
    check(b.usage.prompt_tokens > 0, 'usage');
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
