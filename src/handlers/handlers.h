// Endpoint handlers; the routing table in app/app.cpp names them.
#pragma once
#include "app/context.h"

namespace llmapi::handlers {

http::Response welcome(app::Context& ctx);
http::Response healthz(app::Context& ctx);
http::Response metrics(app::Context& ctx);
http::Response signup(app::Context& ctx);
http::Response token_obtain(app::Context& ctx);
http::Response token_refresh(app::Context& ctx);
http::Response token_blacklist(app::Context& ctx);
http::Response me(app::Context& ctx);
http::Response supported_models(app::Context& ctx);
http::Response v1_models(app::Context& ctx);
http::Response chat_completions(app::Context& ctx);
http::Response usage(app::Context& ctx);

}  // namespace llmapi::handlers
