// devsim <-> edge over HTTP: see sim_edge.h.
#include "sim_edge.h"

#include <nlohmann/json.hpp>

#include "hailong/schema/time.h"
#include "hailong/survey/template_codec.h"
#include "http_json.h"

namespace hailong::devices::internal {

Status FetchEdgeCatalogue(std::string_view edge_url, EdgeCatalogue* out) {
  nlohmann::json templates;
  Status s = HttpGetJson(edge_url, "/api/v1/templates", &templates);
  if (!s.ok()) return s;
  out->templates = std::make_unique<survey::TemplateRegistry>();
  if (templates.is_object() && templates.contains("templates") &&
      templates["templates"].is_array()) {
    for (const auto& j : templates["templates"]) {
      survey::SurveyTemplate t;
      if (survey::TemplateFromJson(j, &t).ok()) out->templates->Add(t).PermitUncheckedError();
    }
  }
  nlohmann::json counters;
  s = HttpGetJson(edge_url, "/api/v1/counters", &counters);
  if (!s.ok()) return s;
  out->counters.clear();
  if (counters.is_object() && counters.contains("counters") && counters["counters"].is_array()) {
    for (const auto& j : counters["counters"]) {
      if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) continue;
      EdgeCounter c;
      c.id = j["id"].get<std::string>();
      if (j.contains("template") && j["template"].is_string()) {
        c.template_id = j["template"].get<std::string>();
      }
      if (j.contains("officer")) {
        const auto& o = j["officer"];
        if (o.is_string()) c.officer = o.get<std::string>();
        if (o.is_object() && o.contains("id") && o["id"].is_string()) {
          c.officer = o["id"].get<std::string>();
        }
      }
      out->counters.push_back(std::move(c));
    }
  }
  return Status::OK();
}

Status PostDossier(std::string_view edge_url, std::string_view token, const DossierPost& d) {
  nlohmann::json j = {{"receipt", d.receipt},     {"event", d.event},
                      {"procedure", d.procedure}, {"field", d.field},
                      {"counter", d.counter},     {"at", FormatRfc3339(d.at_ms)}};
  if (!d.officer.empty()) j["officer"] = d.officer;
  if (d.due_ms != 0) j["due"] = FormatRfc3339(d.due_ms);
  HttpReply reply;
  Status s = HttpRequest(edge_url, "POST", "/api/v1/dossiers", j.dump(), &reply,
                         std::chrono::seconds(10), token);
  if (!s.ok()) return s;
  if (reply.status != 200) {
    return Status::InvalidArgument("POST /api/v1/dossiers: HTTP " + std::to_string(reply.status) +
                                   " " + reply.body.substr(0, 200));
  }
  return Status::OK();
}

const std::vector<SimProcedure>& DefaultProcedures() {
  static const std::vector<SimProcedure> kProcedures = {
      {"HT-01", "HT"}, {"HT-02", "HT"}, {"HT-03", "HT"}, {"HT-04", "HT"}, {"HT-05", "HT"},
      {"CT-01", "CT"}, {"CT-02", "CT"}, {"CT-03", "CT"}, {"LD-01", "LD"}, {"LD-02", "LD"},
  };
  return kProcedures;
}

}  // namespace hailong::devices::internal
