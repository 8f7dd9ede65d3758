// The one Bearer check every protected endpoint uses: simplejwt's
// JWTAuthentication (header, token, user active), with its exact 401 bodies.
#pragma once
#include "app/services.h"
#include "db/users.h"
#include "http/errors.h"
#include "http/request.h"

namespace llmapi::auth {

// Returns the active user named by a valid access token; throws HttpError 401.
db::User authenticate_bearer(app::Services& services, const http::Request& req, long now);

// A 401 with WWW-Authenticate: Bearer realm="api", as every 401 must carry.
http::HttpError unauthorized(JsonPtr body);
http::HttpError unauthorized(const std::string& detail, const char* code);

}  // namespace llmapi::auth
