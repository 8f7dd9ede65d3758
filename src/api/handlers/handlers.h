// Endpoint handlers; the routing table in api/routes.cpp names them and
// carries their policy.
#pragma once
#include "api/context.h"

namespace llmapi::api::handlers {

http::Response welcome(Context& ctx);
http::Response healthz(Context& ctx);
http::Response metrics(Context& ctx);
http::Response signup(Context& ctx);
http::Response token_obtain(Context& ctx);
http::Response token_refresh(Context& ctx);
http::Response token_blacklist(Context& ctx);
http::Response me(Context& ctx);
http::Response supported_models(Context& ctx);
http::Response v1_models(Context& ctx);
http::Response chat_completions(Context& ctx);
http::Response embeddings(Context& ctx);
http::Response usage(Context& ctx);
http::Response keys_create(Context& ctx);
http::Response keys_list(Context& ctx);
http::Response keys_get(Context& ctx);
http::Response keys_revoke(Context& ctx);

}  // namespace llmapi::api::handlers
