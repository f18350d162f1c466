// Api: every HTTP route of the hub (hub/README.md lists them). Handle runs
// on the HTTP server's worker threads, so routes may block on the log.
//
// Thread safety: Handle may be called concurrently.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerts.h"
#include "api_comments.h"
#include "audit.h"
#include "erasure.h"
#include "hailong/hub/auth.h"
#include "hailong/hub/config.h"
#include "hailong/hub/http_server.h"
#include "hailong/hub/projector.h"
#include "hailong/hub/report.h"
#include "hailong/replication/event_log.h"
#include "hailong/survey/survey_template.h"
#include "live_updates.h"
#include "metrics.h"
#include "node_registry.h"
#include "officer_pins.h"
#include "personal_keys.h"
#include "sign_in_names.h"

namespace hailong::hub {

struct DossierState;    // projection_state.h
class ProvinceOrigins;  // province_origins.h

// What the routes share. Pointers are not owned and outlive the Api.
struct HubContext {
  const HubConfig* config = nullptr;
  const Clock* clock = nullptr;
  replication::EventLog* log = nullptr;
  Projector* projector = nullptr;
  Auth* auth = nullptr;
  NodeRegistry* nodes = nullptr;
  Metrics* metrics = nullptr;
  LiveUpdates* live = nullptr;
  AuditLog* audit = nullptr;
  Alerts* alerts = nullptr;
  OfficerPins* pins = nullptr;
  PersonalKeys* keys = nullptr;  // personal data's key store
  Eraser* eraser = nullptr;
  // A province hub's district origins (province_origins.h); always set.
  ProvinceOrigins* province = nullptr;
  std::string web_root;  // dashboard files
  // The phone survey's pages (edge/web), shared with the edge: /assets/<f>
  // not found under web_root is served from here. Packages copy them into
  // web_root/assets instead.
  std::string survey_web_root;
  std::string tmp_dir;                             // scratch space for XLSX files
  std::atomic<const HttpServer*> server{nullptr};  // set once listening (for /metrics)
};

class Api {
 public:
  explicit Api(HubContext* context);
  HttpReply Handle(HttpRequest& request, const ClientInfo& client);
  // HttpServerOptions::admit, on an I/O thread before the body is read: a
  // push with a node's token may send http.max_push_mib, every other request
  // http.max_body_kib; a push with neither a node's token nor a session
  // cookie is answered 401 at once, its body never read.
  HeaderVerdict Admit(HttpRequest& header, const ClientInfo& peer);

 private:
  // One request being served.
  struct Call {
    HttpRequest& req;
    const ClientInfo& client;
    std::string path;                          // decoded, without the query
    std::map<std::string, std::string> query;  // decoded
    std::vector<std::string> segments;         // path split on '/'
    Principal who;
    bool english = false;  // Accept-Language: en...
    std::string Query(const std::string& key, const std::string& fallback = "") const;
  };

  // api_routes.cc
  // The client: the peer, or behind a trusted proxy its X-Forwarded-For.
  ClientInfo ClientOf(const HttpRequest& request, const ClientInfo& peer) const;
  Call MakeCall(HttpRequest& request, const ClientInfo& client) const;
  // Security headers and the request metric (by route template) of an answer.
  void Finish(const Call& call, HttpReply* reply);
  HttpReply Route(Call& call);
  HttpReply RouteApi(Call& call);
  // api.cc: what every route uses.
  HttpReply Error(const Call& call, unsigned status, const std::string& vi, const std::string& en,
                  nlohmann::json extra = nlohmann::json::object()) const;
  HttpReply Json(unsigned status, const nlohmann::json& body) const;
  bool ParseBody(const Call& call, nlohmann::json* body, HttpReply* error) const;
  // The string member `key` of a parsed body ("" when absent or not a string).
  static std::string BodyText(const nlohmann::json& body, const char* key);
  // 415: a write whose Content-Type is not application/json.
  HttpReply NotJson(const Call& call) const;
  // Appends a hub event and waits (up to 5 s) until the projector applied it.
  Status AppendHubEvent(replication::EventDraft draft, uint64_t* seq);
  bool MaySeeOffice(const Call& call, const std::string& office) const;
  // The offices a query covers: the ?office= one (403 when out of scope) or
  // every office in the caller's scope.
  bool ScopeOffices(const Call& call, std::vector<std::string>* offices, HttpReply* error) const;
  // Every office the projection has seen (ListOffices), read from the store
  // once per projector generation instead of once per scoped request.
  Status KnownOffices(std::vector<std::string>* offices) const;
  // ScopeOffices, then every known office when the caller's scope names
  // none (500 when they cannot be read).
  bool ScopeOrKnownOffices(const Call& call, std::vector<std::string>* offices,
                           HttpReply* error) const;
  void Audit(const Call& call, const std::string& action, const std::string& target,
             const nlohmann::json& detail = nlohmann::json::object());

  // api_status.cc
  HttpReply Healthz(Call& call);
  HttpReply MetricsText(Call& call);
  HttpReply StatusRoute(Call& call);
  // api_session.cc
  HttpReply Login(Call& call);
  HttpReply Logout(Call& call);
  HttpReply Me(Call& call);
  // api_web.cc
  HttpReply StaticFile(Call& call);
  // api_replication.cc
  HttpReply Push(Call& call);
  HttpReply Cursor(Call& call);
  HttpReply Pull(Call& call);
  HttpReply Nodes(Call& call);
  // api_personal.cc
  HttpReply PersonalDataKey(Call& call);
  HttpReply PersonalKeysPost(Call& call);
  HttpReply ErasuresList(Call& call);
  HttpReply ErasurePost(Call& call);
  // Replaces a follow-up's sealed texts by their clear text (personal) or
  // removes them; *had_personal when one was shown.
  void RevealFollowUp(nlohmann::json* f, bool personal, bool* had_personal) const;
  // api_reports.cc
  HttpReply ReportRoute(Call& call, const std::string& format);
  HttpReply TargetsRoute(Call& call);
  bool ParseReportQuery(Call& call, ReportQuery* query, HttpReply* error);
  std::string OfficeLabel(const ReportQuery& query) const;
  // api_periodic.cc: the periodic report as a document ("json") or a PDF ("pdf").
  HttpReply PeriodicReportRoute(Call& call, const std::string& format);
  // The templates parsed (for per-criterion reports and comment sheets).
  // Parsed once per projector generation (a published template is an event).
  using TemplateMap = std::map<std::string, survey::SurveyTemplate>;
  std::shared_ptr<const TemplateMap> TemplateStructs() const;
  // GroupBy::kCriterion rows as the per-criterion report (report_criteria.h).
  nlohmann::json CriterionJson(const Report& answers) const;
  // api_comments.cc: comments of a month (managers and admins).
  HttpReply CommentsRoute(Call& call);
  HttpReply CommentFollowUp(Call& call, const std::string& origin, const std::string& seq);
  // The counted ratings with a comment of `month` in `offices` (empty =
  // every office), grouped; at most `limit`. InvalidArgument: a bad month.
  Status CollectComments(const std::vector<std::string>& offices, const std::string& month,
                         size_t limit, CommentMonth* out) const;
  // The workbook's comment sheets, one per month of the query's period;
  // *ids gets "origin:seq" of each rating whose comment a sheet shows.
  Status CommentSheets(const ReportQuery& query, const std::string& office_label,
                       std::vector<XlsxTable>* sheets, nlohmann::json* ids) const;
  // api_ratings.cc
  HttpReply Ratings(Call& call);
  HttpReply VoidRating(Call& call, const std::string& origin, const std::string& seq);
  // Audits a list of ratings that showed personal text ("ratings.list"):
  // the "origin:seq" of those with a comment or phone, with `detail`.
  void AuditRatingList(const Call& call, const nlohmann::json& ratings, nlohmann::json detail);
  // api_dossiers.cc: a dossier's review and the complaints recorded.
  HttpReply RatingsOfReceipt(Call& call, const std::vector<std::string>& offices,
                             const std::string& receipt);
  HttpReply DossierTimeline(Call& call, const std::string& office, const std::string& receipt);
  HttpReply ComplaintsList(Call& call);
  HttpReply ComplaintPost(Call& call);
  Status LoadDossier(const std::string& office, const std::string& receipt, DossierState* d,
                     bool* found) const;
  Status ComplaintsOf(const std::string& office, const std::string& receipt,
                      std::vector<nlohmann::json>* out) const;
  nlohmann::json ComplaintView(nlohmann::json c, bool personal, bool* had_personal) const;
  // api_follow_ups.cc
  // A follow-up as `call`'s role may read it.
  nlohmann::json FollowUpForRole(nlohmann::json f, const Call& call, bool* had_personal) const;
  HttpReply FollowUps(Call& call);
  HttpReply FollowUp(Call& call, const std::string& id);
  // The follow-up `id` if the caller may see its office; else false with a
  // 404 in *error (the same answer as for an unknown id).
  bool LoadFollowUp(const Call& call, const std::string& id, nlohmann::json* f,
                    HttpReply* error) const;
  HttpReply FollowUpAction(Call& call, const std::string& id, const std::string& action);
  nlohmann::json RatingJson(const std::string& origin, uint64_t seq, bool personal,
                            bool* had_personal) const;
  // api_admin.cc
  HttpReply CatalogueList(Call& call);
  HttpReply CataloguePost(Call& call);
  HttpReply CatalogueImport(Call& call);
  HttpReply TemplatesList(Call& call);
  HttpReply TemplatePost(Call& call);
  // Every template by id: the built-ins, replaced by newer published versions.
  std::map<std::string, nlohmann::json> Templates() const;
  HttpReply AuditList(Call& call);
  HttpReply Stream(Call& call);
  // api_alerts.cc
  HttpReply AlertsList(Call& call);
  HttpReply AlertAction(Call& call, const std::string& id, const std::string& action);
  // api_pins.cc
  HttpReply OfficerPinRoute(Call& call, const std::string& office, const std::string& officer);
  HttpReply OfficerPinsList(Call& call);
  HttpReply NodeOfficerPins(Call& call);
  // api_public.cc (public: the results page of QR posters)
  HttpReply PublicResults(Call& call);
  Status BuildPublicResults(const std::string& office, nlohmann::json* out);
  std::string OfficeName(const std::string& office) const;  // catalogue name, "" if none
  // api_survey.cc (public: the phone survey at the hub)
  HttpReply SurveyContext(Call& call, const std::string& office, const std::string& counter);
  HttpReply SurveySubmit(Call& call, const std::string& office, const std::string& counter);
  bool KnownOffice(const std::string& office) const;
  nlohmann::json CounterTemplate(const std::string& office, const std::string& counter) const;
  bool SurveyRateLimited(const std::string& address);

  HubContext* ctx_;
  // Report answers by (caller's scope, query), valid while the projection's
  // generation is unchanged: dashboards polling the same report cost one
  // aggregation per projection batch.
  struct CachedReport {
    uint64_t generation = 0;
    HttpReply reply;
    int64_t valid_until_ms = INT64_MAX;  // Report::valid_until_ms
  };
  std::mutex report_cache_mu_;
  std::map<std::string, CachedReport> report_cache_;
  // The scanned tally ranges, shared by every JSON report while the read
  // models stay the same (keyed by the projector's instance and generation).
  ReportCache report_ranges_;
  mutable std::mutex template_structs_mu_;  // guards the two below
  mutable std::shared_ptr<const TemplateMap> template_structs_;
  mutable uint64_t template_structs_generation_ = 0;
  mutable std::mutex offices_mu_;  // guards the two below
  mutable std::shared_ptr<const std::vector<std::string>> offices_;
  mutable uint64_t offices_generation_ = 0;
  // Public results by office ("" = the district), recomputed once a minute
  // or when the projection moved on.
  struct CachedPublic {
    uint64_t generation = 0;
    int64_t made_ms = 0;
    HttpReply reply;
  };
  std::mutex public_mu_;
  std::map<std::string, CachedPublic> public_cache_;
  std::mutex survey_mu_;                                        // guards survey_attempts_
  std::map<std::string, std::deque<int64_t>> survey_attempts_;  // by client address
};

// The client behind a trusted reverse proxy: when `peer` is one of
// `trusted`, the right-most X-Forwarded-For entry that is not itself a
// trusted proxy; otherwise (or when the header is absent or malformed) `peer`.
ClientInfo ForwardedClient(const std::vector<std::string>& trusted, const ClientInfo& peer,
                           std::string_view forwarded_for);

}  // namespace hailong::hub
