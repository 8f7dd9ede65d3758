// The fake's routes, one file per family, registered in main.cpp.
#pragma once
#include "common.h"

namespace fake {

// An API route: main.cpp's wrapper has recorded the request, taken its
// behaviour and applied hang, reset and status before calling it.
using ApiHandler = void (*)(const httplib::Request&, httplib::Response&, Exchange&);

// A control route: never recorded, never consumes a behaviour.
using ControlHandler = void (*)(Shared&, const std::string& body, httplib::Response&);

namespace openai {
void models(const httplib::Request& req, httplib::Response& res, Exchange& ex);
void chat(const httplib::Request& req, httplib::Response& res, Exchange& ex);
void embeddings(const httplib::Request& req, httplib::Response& res, Exchange& ex);
}  // namespace openai

namespace gemini {
void models(const httplib::Request& req, httplib::Response& res, Exchange& ex);
void generate(const httplib::Request& req, httplib::Response& res, Exchange& ex);
void stream(const httplib::Request& req, httplib::Response& res, Exchange& ex);
void embed(const httplib::Request& req, httplib::Response& res, Exchange& ex);
void batch_embed(const httplib::Request& req, httplib::Response& res, Exchange& ex);
}  // namespace gemini

namespace control {
void script_post(Shared& shared, const std::string& body, httplib::Response& res);
void script_get(Shared& shared, const std::string& body, httplib::Response& res);
void script_delete(Shared& shared, const std::string& body, httplib::Response& res);
void requests_get(Shared& shared, const std::string& body, httplib::Response& res);
void requests_delete(Shared& shared, const std::string& body, httplib::Response& res);
void stats(Shared& shared, const std::string& body, httplib::Response& res);
// GET /_control/media-hits: {"hits":{"/media/cat.png":3,...}}, cleared by DELETE /_control/requests.
void media_hits(Shared& shared, const std::string& body, httplib::Response& res);
// GET /: {"fake_llm":true}, so nobody mistakes the fake for a real provider.
void root(const httplib::Request& req, httplib::Response& res);
}  // namespace control

// GET /media/...: images and pages for the gateway's image-fetch tests (control.cpp).
namespace media {
void serve(Shared& shared, const httplib::Request& req, httplib::Response& res);
}  // namespace media

}  // namespace fake
