#include "server/session.h"

#include "server/methods.h"

#include <algorithm>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "server/era.h"

namespace mcp {

struct Session::InFlight {
  json id;
  std::stop_source stop;
  bool cancelled = false;  // a notifications/cancelled arrived: the response is not sent
  bool responded = false;
};

// What a 2026-07-28 request brought with it: the client's capabilities for this request alone, and the answers
// to what an earlier round of the same request asked (multi round-trip requests).
struct Session::ModernCall {
  era::Envelope envelope;
  json input_responses;        // params.inputResponses: an object, or null
  std::size_t next_input = 0;  // requests the handler has made in this run (one thread: the handler's)
};

// The channel a handler uses to reach the client: notifications and requests travel with the request's reply.
class Session::RequestChannel : public RequestContext::Channel {
 public:
  RequestChannel(std::shared_ptr<Session> session, std::shared_ptr<MessageSink> reply,
                 std::shared_ptr<ModernCall> modern = nullptr)
      : session_(std::move(session)), reply_(std::move(reply)), modern_(std::move(modern)) {}
  void notify(const json& message) override {
    // Logging is deprecated by 2026-07-28 and not offered to its requests: no notifications/message for them.
    if (modern_ && message.value("method", std::string()) == "notifications/message") return;
    reply_->send(message);
  }
  json request(std::string_view method, json params, std::chrono::milliseconds timeout, std::stop_token stop) override {
    if (modern_) return input_round(method, std::move(params));
    return session_->send_request(method, std::move(params), reply_, timeout, std::move(stop));
  }
  LogLevel log_level() const override {
    return modern_ ? LogLevel::emergency : static_cast<LogLevel>(session_->log_level_.load());
  }
  const json& client_capabilities() const override {
    return modern_ ? modern_->envelope.capabilities : session_->client_capabilities_;
  }
  std::string session_id() const override { return session_->id(); }
  void close_sse_stream() override {
    if (!modern_) reply_->close_sse_stream();  // modern streams cannot be resumed: the connection stays
  }

 private:
  // A modern request cannot send the client a request: the handler's n-th request is answered by the retry's
  // inputResponses["input-n"], or the run ends here and the client is asked for it (InputRequiredResult). The
  // handler runs again from the start on the retry and makes the same requests in the same order.
  json input_round(std::string_view method, json params) {
    if (auto needed = era::capability_for(method); !needed.empty() && !client_supports(needed))
      throw RpcError(rpc::kMissingRequiredClientCapability,
                     "Missing required client capability: " + std::string(method) + " needs \"" + std::string(needed) +
                         "\" in this request's clientCapabilities",
                     {{"requiredCapabilities", {{std::string(needed), json::object()}}}});
    const std::string key = "input-" + std::to_string(++modern_->next_input);
    const json& answers = modern_->input_responses;
    if (answers.is_object() && answers.contains(key)) return answers[key];
    throw era::InputRequired{key, {{"method", method}, {"params", std::move(params)}}};
  }
  bool client_supports(std::string_view capability) const {
    const json& caps = modern_->envelope.capabilities;
    return caps.contains(capability) && !caps.at(capability).is_null();
  }

  std::shared_ptr<Session> session_;
  std::shared_ptr<MessageSink> reply_;
  std::shared_ptr<ModernCall> modern_;
};

namespace {

// Collects the responses of a 2025-03-26 batch into one array; notifications pass straight through.
class BatchSink : public MessageSink {
 public:
  BatchSink(std::shared_ptr<MessageSink> out, std::size_t expected) : out_(std::move(out)), expected_(expected) {}
  void send(const json& message) override {
    bool is_response = !message.contains("method");
    if (!is_response) return out_->send(message);
    json batch;
    {
      std::lock_guard lock(mutex_);
      responses_.push_back(message);
      if (responses_.size() != expected_) return;
      batch = std::move(responses_);
    }
    out_->send(batch);
  }

 private:
  std::shared_ptr<MessageSink> out_;
  std::size_t expected_;
  std::mutex mutex_;
  json responses_ = json::array();
};

std::string key_of(const json& id) { return id.dump(); }

// HTTP session ids are bearer credentials: logs show their first 8 characters only, as the transport does.
std::string shown(const std::string& id) { return id.size() <= 12 ? id : id.substr(0, 8) + "…"; }

}  // namespace

std::shared_ptr<Session> Session::create(std::shared_ptr<const McpServer> server, std::shared_ptr<MessageSink> outbound,
                                         SessionOptions options) {
  return std::shared_ptr<Session>(new Session(std::move(server), std::move(outbound), std::move(options)));
}

Session::Session(std::shared_ptr<const McpServer> server, std::shared_ptr<MessageSink> outbound, SessionOptions options)
    : server_(std::move(server)), outbound_(std::move(outbound)), options_(std::move(options)) {}

Session::~Session() { server_->subscriptions->forget(this); }

bool Session::initialized() const {
  std::lock_guard lock(mutex_);
  return initialize_answered_;
}

std::string Session::protocol_version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

std::size_t Session::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_.size();
}

void Session::assume_initialized(const std::string& protocol_version) {
  std::lock_guard lock(mutex_);
  initialize_answered_ = true;
  version_ = protocol_version;
}

void Session::receive(std::string_view frame, const std::shared_ptr<MessageSink>& reply) {
  const auto& out = reply ? reply : outbound_;
  std::string error;
  auto message = parse(frame, &error);
  if (!message) {
    out->send(make_error(nullptr, rpc::kParseError, "Parse error: " + error));
    return;
  }
  receive_message(*message, out);
}

void Session::receive_message(const json& message, const std::shared_ptr<MessageSink>& reply, Caller caller) {
  const auto& out = reply ? reply : outbound_;
  try {
    if (message.is_array()) return handle_batch(message, out, caller);
    std::string why;
    switch (classify(message, &why)) {
      case MessageKind::request: return handle_request(message, out, caller);
      case MessageKind::notification: return handle_notification(message);
      case MessageKind::response: return handle_response(message);
      case MessageKind::invalid: {
        json id = nullptr;
        if (message.is_object() && message.contains("id") &&
            (message["id"].is_string() || message["id"].is_number_integer()))
          id = message["id"];
        out->send(make_error(id, rpc::kInvalidRequest, "Invalid Request: " + why));
        return;
      }
    }
  } catch (const std::exception& e) {
    // Nothing a peer sends may take the server down.
    spdlog::error("unexpected failure handling a message: {}", e.what());
    out->send(make_error(nullptr, rpc::kInternalError, "Internal error"));
  }
}

void Session::handle_batch(const json& batch, const std::shared_ptr<MessageSink>& reply, const Caller& caller) {
  if (protocol_version() != "2025-03-26" || batch.empty()) {
    reply->send(make_error(nullptr, rpc::kInvalidRequest,
                           batch.empty() ? "Invalid Request: empty batch"
                                         : "Invalid Request: JSON-RPC batches are only accepted in a session that "
                                           "negotiated protocol version 2025-03-26"));
    return;
  }
  std::size_t expected = 0;
  for (const auto& m : batch) {
    MessageKind kind = classify(m);
    if (kind == MessageKind::request || kind == MessageKind::invalid) ++expected;
  }
  if (expected == 0) {
    for (const auto& m : batch) receive_message(m, reply, caller);
    return;
  }
  auto sink = std::make_shared<BatchSink>(reply, expected);
  for (const auto& m : batch) {
    if (m.is_object() && m.value("method", "") == "initialize" && m.contains("id")) {
      sink->send(make_error(m["id"], rpc::kInvalidRequest, "initialize cannot be part of a batch"));
      continue;
    }
    if (m.is_array()) {
      sink->send(make_error(nullptr, rpc::kInvalidRequest, "Invalid Request: nested batch"));
      continue;
    }
    if (era::claims_modern(m)) {  // 2026-07-28 has no batches; a modern notification is dropped unanswered
      if (classify(m) == MessageKind::request)
        sink->send(make_error(m["id"], rpc::kInvalidRequest,
                              "Invalid Request: a 2026-07-28 request cannot be part of a batch; send it on its own"));
      continue;
    }
    receive_message(m, sink, caller);
  }
}

bool Session::runs_async(const std::string& method) const {
  const Method* m = find_method(method);
  return m && m->async;
}

void Session::handle_request(const json& message, const std::shared_ptr<MessageSink>& reply, const Caller& caller) {
  const json& id = message["id"];
  const std::string method = message["method"].get<std::string>();
  json params = message.contains("params") ? message["params"] : json::object();

  auto answer_inline = [&](auto&& produce) {
    try {
      reply->send(make_result(id, produce()));
    } catch (const RpcError& e) {
      reply->send(make_error(id, e.code, e.what(), e.data));
    } catch (const std::exception& e) {
      spdlog::error("{} failed: {}", method, e.what());
      reply->send(make_error(id, rpc::kInternalError, std::string("Internal error: ") + e.what()));
    }
  };

  if (era::claims_modern(message)) return handle_modern(id, method, std::move(params), reply, caller);
  if (method == "initialize") return answer_inline([&] { return initialize(params); });
  if (method == "ping") return answer_inline([] { return json::object(); });

  const Method* known = find_method(method);
  if (!known || !known->legacy || !offered(*known, *server_, options_.server_push)) {
    reply->send(make_error(id, rpc::kMethodNotFound, "Method not found: " + method));
    return;
  }
  if (!initialized()) {
    reply->send(make_error(id, rpc::kInvalidRequest, "Session not initialized: send initialize first"));
    return;
  }
  if (!params.is_object()) {
    reply->send(make_error(id, rpc::kInvalidParams, "\"params\" must be an object"));
    return;
  }

  run(id, method, std::move(params), reply, nullptr, caller);
}

void Session::handle_modern(const json& id, const std::string& method, json params,
                            const std::shared_ptr<MessageSink>& reply, const Caller& caller) {
  auto call = std::make_shared<ModernCall>();
  try {
    call->envelope = era::read_envelope(params);
    era::require_served(*server_, method);
    if (params.contains("inputResponses") && !params["inputResponses"].is_object())
      throw RpcError(rpc::kInvalidParams,
                     "Invalid params: inputResponses must be an object (keyed like the "
                     "inputRequests it answers)");
  } catch (const RpcError& e) {
    reply->send(make_error(id, e.code, e.what(), e.data));
    return;
  }
  if (params.contains("inputResponses")) call->input_responses = params["inputResponses"];
  if (method == "server/discover") {
    reply->send(make_result(id, era::discover(*server_)));
    return;
  }
  run(id, method, std::move(params), reply, std::move(call), caller);
}

json Session::respond(const json& id, const std::string& method, const json& params, RequestContext& ctx,
                      const ModernCall* modern) {
  try {
    // Held while the request runs, on this thread (e.g. the HaloPSA agent a signed-in caller's calls run as).
    const std::shared_ptr<void> scope = server_->request_scope ? server_->request_scope(ctx) : nullptr;
    json result = dispatch(method, params, ctx);
    if (modern) era::finish_result(result, method, server_->info);
    return make_result(id, std::move(result));
  } catch (const era::InputRequired& need) {
    json result{{"inputRequests", {{need.key, need.request}}}};
    era::finish_result(result, method, server_->info);
    result["resultType"] = "input_required";  // an interim result: never cached, so no caching hints
    result.erase("ttlMs");
    result.erase("cacheScope");
    return make_result(id, std::move(result));
  } catch (const RpcError& e) {
    // 2026-07-28 answers an unknown resource with -32602; -32002 is reserved for earlier revisions.
    int code = modern && e.code == rpc::kResourceNotFound ? rpc::kInvalidParams : e.code;
    return make_error(id, code, e.what(), e.data);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", method, e.what());
    return make_error(id, rpc::kInternalError, std::string("Internal error: ") + e.what());
  }
}

void Session::run(const json& id, const std::string& method, json params, const std::shared_ptr<MessageSink>& reply,
                  std::shared_ptr<ModernCall> modern, const Caller& caller) {
  json progress_token = nullptr;
  if (params.contains("_meta") && params["_meta"].is_object() && params["_meta"].contains("progressToken")) {
    const json& token = params["_meta"]["progressToken"];
    if (token.is_string() || token.is_number_integer()) progress_token = token;
  }

  if (method == "tools/list") {
    // Built and serialised once per run (the tool set is fixed): only the envelope is new.
    try {
      auto page =
          server_->tools.list_serialized(params.value("cursor", json()), server_->tools_page_size, caller.get());
      std::string text = R"({"jsonrpc":"2.0","id":)" + dump_safe(id) + R"(,"result":)";
      text.reserve(text.size() + page->size() + 256);
      if (modern) era::append_finished(text, *page, method, server_->info);
      else
        text += *page;
      text += '}';
      reply->send_serialized(std::move(text));
    } catch (const RpcError& e) {
      reply->send(make_error(id, e.code, e.what(), e.data));
    }
    return;
  }
  if (!runs_async(method)) {
    RequestChannel channel(shared_from_this(), reply, modern);
    RequestContext ctx(channel, progress_token, std::stop_token{}, caller);
    reply->send(respond(id, method, params, ctx, modern.get()));
    return;
  }

  auto flight = std::make_shared<InFlight>();
  flight->id = id;
  const std::string key = key_of(id);
  {
    std::lock_guard lock(mutex_);
    std::string refusal;
    if (closing_) refusal = "Server is shutting down";
    else if (in_flight_.count(key))
      refusal = "Invalid Request: a request with id " + key + " is already in flight";
    else if (in_flight_.size() >= options_.max_in_flight)
      refusal = "Server busy: " + std::to_string(options_.max_in_flight) + " requests in flight; retry shortly";
    if (!refusal.empty()) {
      reply->send(
          make_error(id, closing_ || in_flight_.count(key) ? rpc::kInvalidRequest : rpc::kInternalError, refusal));
      return;
    }
    in_flight_[key] = flight;
  }

  std::thread([self = shared_from_this(), flight, key, method, params = std::move(params), reply,
               progress_token = std::move(progress_token), modern = std::move(modern), caller] {
    RequestChannel channel(self, reply, modern);
    RequestContext ctx(channel, progress_token, flight->stop.get_token(), caller);
    json response = self->respond(flight->id, method, params, ctx, modern.get());
    ctx.finish();
    bool cancelled;
    {
      std::lock_guard lock(self->mutex_);
      cancelled = flight->cancelled;
      flight->responded = true;
    }
    if (!cancelled) reply->send(response);
    {
      std::lock_guard lock(self->mutex_);
      self->in_flight_.erase(key);
    }
    self->idle_.notify_all();
  }).detach();
}

json Session::initialize(const json& params) {
  if (!params.is_object() || !params.contains("protocolVersion") || !params["protocolVersion"].is_string())
    throw RpcError(rpc::kInvalidParams, "initialize needs params.protocolVersion (a string such as \"2025-11-25\")");
  if (params.contains("capabilities") && !params["capabilities"].is_object())
    throw RpcError(rpc::kInvalidParams, "initialize: params.capabilities must be an object");
  std::string requested = params["protocolVersion"].get<std::string>();
  const auto& versions = supported_protocol_versions();
  std::string chosen =
      std::find(versions.begin(), versions.end(), requested) != versions.end() ? requested : versions.front();
  {
    std::lock_guard lock(mutex_);
    if (initialize_answered_) throw RpcError(rpc::kInvalidRequest, "Session already initialized");
    initialize_answered_ = true;
    version_ = chosen;
    client_capabilities_ = params.value("capabilities", json::object());
    client_info_ = params.value("clientInfo", json::object());
  }
  spdlog::info("session {}: initialized by {} {} (protocol {})", shown(options_.id),
               client_info_.value("name", std::string("unknown client")), client_info_.value("version", std::string()),
               chosen);
  json info{{"name", server_->info.name}, {"version", server_->info.version}};
  if (!server_->info.title.empty()) info["title"] = server_->info.title;
  json result{
      {"protocolVersion", chosen}, {"capabilities", server_->capabilities(options_.server_push)}, {"serverInfo", info}};
  if (!server_->info.instructions.empty()) result["instructions"] = server_->info.instructions;
  return result;
}

json Session::dispatch(const std::string& method, const json& params, RequestContext& ctx) {
  if (method == "tools/call") return call_tool(params, ctx);
  if (method == "logging/setLevel") {
    auto level = params.contains("level") && params["level"].is_string()
                     ? parse_log_level(params["level"].get<std::string>())
                     : std::nullopt;
    if (!level)
      throw RpcError(rpc::kInvalidParams,
                     "logging/setLevel needs \"level\": one of debug, info, notice, warning, error, critical, alert, "
                     "emergency");
    log_level_ = static_cast<int>(*level);
    return json::object();
  }
  if (method == "prompts/list") return server_->prompts.list();
  if (method == "prompts/get") return server_->prompts.get(params, ctx);
  if (method == "resources/list") return server_->resources.list();
  if (method == "resources/templates/list") return server_->resources.list_templates();
  if (method == "resources/read") {
    json result = server_->resources.read(params, ctx);
    // Records read as resources carry the same personal data as tool results: --redact-pii masks both.
    if (const PiiRedactor* pii = server_->tools.pii_redactor(); pii && result.contains("contents")) {
      for (auto& item : result["contents"]) {
        if (!item.is_object() || !item.contains("text") || !item["text"].is_string()) continue;
        auto parsed =
            item.value("mimeType", "") == "application/json" ? parse(item["text"].get<std::string>()) : std::nullopt;
        item["text"] = parsed ? pii->scrub(*parsed).dump(2, ' ', false, json::error_handler_t::replace)
                              : pii->scrub_text(item["text"].get<std::string>());
      }
    }
    return result;
  }
  if (method == "resources/subscribe" || method == "resources/unsubscribe") return subscription(method, params);
  if (method == "completion/complete") return complete(params, ctx);
  throw RpcError(rpc::kMethodNotFound, "Method not found: " + method);
}

json Session::call_tool(const json& params, RequestContext& ctx) {
  if (!params.contains("name") || !params["name"].is_string())
    throw RpcError(rpc::kInvalidParams, "tools/call needs params.name, the tool's name");
  std::string name = params["name"].get<std::string>();
  json arguments = params.contains("arguments") ? params["arguments"] : json::object();
  if (arguments.is_null()) arguments = json::object();
  if (!arguments.is_object()) throw RpcError(rpc::kInvalidParams, "tools/call: params.arguments must be an object");
  const ToolSpec* tool = server_->tools.find(name);
  if (!tool) {
    if (auto why = server_->tools.hidden_reason(name)) {
      std::string message = "Tool " + name + " is not available: " + *why;
      server_->tools.record_refusal(name, arguments, ctx, message);
      throw RpcError(rpc::kInvalidParams, message);
    }
    throw RpcError(rpc::kInvalidParams, "Unknown tool: " + name + " (tools/list shows the available tools)");
  }
  // The HTTP transport answers this with 403 insufficient_scope before the session sees it; this covers any
  // other path (a batch, a transport that cannot say 403).
  if (auto scope = server_->tools.missing_scope(*tool, ctx.caller())) {
    std::string message = "Tool " + name + " needs the scope \"" + *scope +
                          "\", which this authorization lacks: "
                          "authorize again asking for it";
    server_->tools.record_refusal(name, arguments, ctx, message);
    throw RpcError(rpc::kInvalidParams, message);
  }
  try {
    return server_->tools.call(*tool, arguments, ctx).to_json();
  } catch (const std::exception& e) {
    spdlog::error("tool {} threw: {}", name, e.what());
    return ToolResult::error("Internal error while running " + name + ": " + e.what()).to_json();
  }
}

json Session::subscription(const std::string& method, const json& params) {
  if (!params.contains("uri") || !params["uri"].is_string())
    throw RpcError(rpc::kInvalidParams, method + " needs a string \"uri\"");
  const std::string uri = params["uri"].get<std::string>();
  if (method == "resources/unsubscribe") {
    server_->subscriptions->unsubscribe(this, uri);  // unknown or never subscribed: nothing to undo
    return json::object();
  }
  if (!server_->resources.offers(uri))
    throw RpcError(rpc::kResourceNotFound,
                   "Resource not found: " + uri +
                       " (resources/list and resources/templates/list show what can be "
                       "subscribed to)",
                   {{"uri", uri}});
  // Updates go where server-initiated messages go: stdout, the GET /mcp stream, the legacy SSE stream.
  if (!server_->subscriptions->subscribe(this, uri, outbound_))
    throw RpcError(rpc::kInvalidRequest, "This session already has " +
                                             std::to_string(ResourceSubscriptions::kMaxPerSubscriber) +
                                             " resource subscriptions: unsubscribe from some first");
  spdlog::debug("session {}: subscribed to {}", shown(options_.id), uri);
  return json::object();
}

json Session::complete(const json& params, RequestContext&) {
  const json ref = params.value("ref", json::object());
  const json argument = params.value("argument", json::object());
  if (!ref.is_object() || !argument.is_object() || !argument.contains("name") || !argument["name"].is_string())
    throw RpcError(rpc::kInvalidParams, "completion/complete needs ref and argument.name");
  std::string arg_name = argument["name"].get<std::string>();
  std::string value =
      argument.contains("value") && argument["value"].is_string() ? argument["value"].get<std::string>() : "";
  json context = params.contains("context") && params["context"].is_object()
                     ? params["context"].value("arguments", json::object())
                     : json::object();
  const Completer* completer = nullptr;
  std::string type = ref.value("type", "");
  if (type == "ref/prompt") {
    const PromptSpec* p = server_->prompts.find(ref.value("name", ""));
    if (!p) throw RpcError(rpc::kInvalidParams, "Unknown prompt: " + ref.value("name", ""));
    completer = &p->complete;
  } else if (type == "ref/resource") {
    const ResourceTemplateSpec* t = server_->resources.find_template(ref.value("uri", ""));
    if (!t) throw RpcError(rpc::kInvalidParams, "Unknown resource template: " + ref.value("uri", ""));
    completer = &t->complete;
  } else {
    throw RpcError(rpc::kInvalidParams, "ref.type must be \"ref/prompt\" or \"ref/resource\"");
  }
  std::vector<std::string> values;
  if (*completer) values = (*completer)(arg_name, value, context);
  bool more = values.size() > 100;
  std::size_t total = values.size();
  if (more) values.resize(100);
  return {{"completion", {{"values", values}, {"total", total}, {"hasMore", more}}}};
}

void Session::handle_notification(const json& message) {
  const std::string method = message["method"].get<std::string>();
  if (method == "notifications/cancelled") {
    const json params = message.value("params", json::object());
    if (!params.is_object() || !params.contains("requestId")) return;
    std::lock_guard lock(mutex_);
    auto it = in_flight_.find(key_of(params["requestId"]));
    if (it == in_flight_.end() || it->second->responded) return;  // unknown or finished: tolerated
    it->second->cancelled = true;
    it->second->stop.request_stop();
    spdlog::debug("session {}: request {} cancelled by the client", shown(options_.id), it->first);
    return;
  }
  if (method == "notifications/initialized") {
    spdlog::debug("session {}: client confirmed initialization", shown(options_.id));
    return;
  }
  spdlog::debug("session {}: ignoring notification {}", shown(options_.id), method);
}

void Session::handle_response(const json& message) {
  std::shared_ptr<std::promise<json>> waiter;
  {
    std::lock_guard lock(mutex_);
    auto it = awaiting_.find(key_of(message["id"]));
    if (it == awaiting_.end()) {
      spdlog::debug("session {}: response to unknown request {}", shown(options_.id), message["id"].dump());
      return;
    }
    waiter = it->second;
    awaiting_.erase(it);
  }
  waiter->set_value(message);
}

json Session::send_request(std::string_view method, json params, const std::shared_ptr<MessageSink>& via,
                           std::chrono::milliseconds timeout, std::stop_token stop) {
  auto waiter = std::make_shared<std::promise<json>>();
  auto answer = waiter->get_future();
  json id;
  {
    std::lock_guard lock(mutex_);
    id = "srv-" + std::to_string(next_outgoing_id_++);
    awaiting_[key_of(id)] = waiter;
  }
  via->send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  auto forget = [&] {
    std::lock_guard lock(mutex_);
    awaiting_.erase(key_of(id));
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (answer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (stop.stop_requested()) {
      forget();
      throw std::runtime_error(std::string(method) + " abandoned: the request was cancelled");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      forget();
      throw std::runtime_error("the client did not answer " + std::string(method) + " in time");
    }
  }
  json response = answer.get();
  if (response.contains("error")) {
    const json& err = response["error"];
    throw RpcError(err.value("code", rpc::kInternalError), err.value("message", std::string("client error")),
                   err.value("data", json()));
  }
  return response.value("result", json::object());
}

bool Session::close(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    for (auto& [key, flight] : in_flight_) flight->stop.request_stop();
  }
  return drain(grace);
}

bool Session::drain(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  closing_ = true;
  return idle_.wait_for(lock, grace, [&] { return in_flight_.empty(); });
}

}  // namespace mcp
