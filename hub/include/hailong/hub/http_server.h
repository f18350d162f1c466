// The hub's names for hailong_net's HTTP server (hailong/net/http_server.h:
// limits, deadlines, keep-alive, server-sent events, the worker pool). The
// hub's handler blocks (a log append waits for fsync), so it is a
// BlockingHttpHandler run on the worker pool; `admit` sets each request's
// body limit from its header (Api::Admit). See the net header for the
// contract (thread safety, ownership, errors).
#pragma once

#include "hailong/net/http_server.h"

namespace hailong::hub {

using net::ClientInfo;
using net::EventStream;
using net::HeaderVerdict;
using net::HttpReply;
using net::HttpRequest;
using net::HttpResponse;
using net::HttpServer;
using net::HttpServerOptions;
using net::HttpServerStats;
using net::JsonReply;
using net::TextReply;
using HttpHandler = net::BlockingHttpHandler;

}  // namespace hailong::hub
