#include "web/openapi.h"

#include <nlohmann/json.hpp>

#include "web/api_response.h"
#include "web/content_api.h"

namespace cinepress {
namespace {

using Json = nlohmann::ordered_json;

Json Ref(const std::string& name) { return {{"$ref", "#/components/" + name}}; }

Json ErrorResponses() {
  Json out = Json::object();
  for (const char* status : {"400", "401", "404", "503"}) {
    out[status] = {{"description", "an error"},
                   {"content", {{"application/json", {{"schema", Ref("schemas/Errors")}}}}}};
  }
  return out;
}

Json ListOperation(const ContentApiResource& r) {
  Json params = Json::array();
  for (const char* p : {"filter", "limit", "page", "include", "fields"}) {
    params.push_back(Ref(std::string("parameters/") + p));
  }
  Json responses = ErrorResponses();
  responses["200"] = {{"description", "a page of " + r.path},
                      {"content",
                       {{"application/json",
                         {{"schema",
                           {{"type", "object"},
                            {"properties",
                             {{r.key, {{"type", "array"}, {"items", {{"type", "object"}}}}},
                              {"meta", Ref("schemas/Meta")}}}}}}}}}};
  return {{"summary", "List " + r.path + " (filter fields: " +
                          [&r] {
                            std::string keys;
                            for (const std::string& k : r.filter_keys)
                              keys += (keys.empty() ? "" : ", ") + k;
                            return keys;
                          }() +
                          ")"},
          {"operationId", "list_" + r.path},
          {"tags", {"content"}},
          {"security", {{{"contentKey", Json::array()}}}},
          {"parameters", std::move(params)},
          {"responses", std::move(responses)}};
}

Json ItemOperation(const std::string& id, const std::string& param) {
  Json responses = ErrorResponses();
  responses["200"] = {
      {"description", "one article, in a list of one"},
      {"content",
       {{"application/json",
         {{"schema",
           {{"type", "object"},
            {"properties",
             {{"posts", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}}}};
  return {{"summary", "One published article by " + param},
          {"operationId", id},
          {"tags", {"content"}},
          {"security", {{{"contentKey", Json::array()}}}},
          {"parameters",
           {{{"name", param}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}},
            Ref("parameters/include"),
            Ref("parameters/fields")}},
          {"responses", std::move(responses)}};
}

// What an Admin API operation takes.
enum class AdminBody { kNone, kPosts, kMembers, kImage };

Json AdminOperation(const std::string& id, const std::string& summary, bool with_id, AdminBody body,
                    const char* success) {
  Json responses = ErrorResponses();
  responses["403"] = responses["400"];
  responses["409"] = responses["400"];
  if (body == AdminBody::kMembers) responses["422"] = responses["400"];
  if (body == AdminBody::kImage) responses["413"] = responses["415"] = responses["400"];
  responses[success] = {{"description", summary}};
  Json op = {{"summary", summary},
             {"operationId", id},
             {"tags", {"admin"}},
             {"security", {{{"adminKey", Json::array()}}}},
             {"responses", std::move(responses)}};
  if (with_id) {
    op["parameters"] = {
        {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}};
  }
  auto json_body = [](const char* key, const char* schema) {
    return Json{{"required", true},
                {"content",
                 {{"application/json",
                   {{"schema",
                     {{"type", "object"},
                      {"properties", {{key, {{"type", "array"}, {"items", Ref(schema)}}}}}}}}}}}};
  };
  if (body == AdminBody::kPosts) op["requestBody"] = json_body("posts", "schemas/AdminPost");
  if (body == AdminBody::kMembers) op["requestBody"] = json_body("members", "schemas/AdminMember");
  if (body == AdminBody::kImage) {
    op["requestBody"] = {{"required", true},
                         {"content",
                          {{"multipart/form-data",
                            {{"schema",
                              {{"type", "object"},
                               {"required", {"file", "alt"}},
                               {"properties",
                                {{"file", {{"type", "string"}, {"format", "binary"}}},
                                 {"alt", {{"type", "string"}}},
                                 {"caption", {{"type", "string"}}},
                                 {"credit", {{"type", "string"}}},
                                 {"purpose", {{"type", "string"}}},
                                 {"ref", {{"type", "string"}}}}}}}}}}}};
  }
  return op;
}

Json Parameter(const char* name, const char* description) {
  return {{"name", name},
          {"in", "query"},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}

Json Components() {
  Json pagination = {{"type", "object"},
                     {"properties",
                      {{"page", {{"type", "integer"}}},
                       {"limit", {{"type", "integer"}}},
                       {"pages", {{"type", "integer"}}},
                       {"total", {{"type", "integer"}}},
                       {"next", {{"type", {"integer", "null"}}}},
                       {"prev", {{"type", {"integer", "null"}}}}}}};
  Json error = {{"type", "object"},
                {"required", {"type", "code", "message"}},
                {"properties",
                 {{"type", {{"type", "string"}}},
                  {"code", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"context", {{"type", "string"}}}}}};
  return {{"securitySchemes",
           {{"contentKey", {{"type", "apiKey"}, {"in", "query"}, {"name", "key"}}},
            {"adminKey", {{"type", "http"}, {"scheme", "bearer"}}}}},
          {"parameters",
           {{"filter", Parameter("filter",
                                 "Ghost NQL subset: key:value, key:[a,b], key:-value; "
                                 "'+' is and, ',' is or (docs/API.md)")},
            {"limit", Parameter("limit", "1 to 100 (default 15), or all (at most 1000)")},
            {"page", Parameter("page", "from 1")},
            {"include", Parameter("include", "authors, tags, count.posts (comma-separated)")},
            {"fields", Parameter("fields", "the fields to return (comma-separated)")},
            {"search", Parameter("search",
                                 "members whose email or name has each word of this text as a "
                                 "part of a word, without case or accents (at most 256 "
                                 "characters)")}}},
          {"schemas",
           {{"Meta", {{"type", "object"}, {"properties", {{"pagination", pagination}}}}},
            {"AdminPost",
             {{"type", "object"},
              {"properties",
               {{"title", {{"type", "string"}}},
                {"slug", {{"type", "string"}}},
                {"section", {{"type", "string"}}},
                {"markdown", {{"type", "string"}}},
                {"custom_excerpt", {{"type", "string"}}},
                {"tags", {{"type", "array"}}},
                {"authors", {{"type", "array"}}},
                {"featured", {{"type", "boolean"}}},
                {"feature_image", {{"type", "string"}}},
                {"feature_image_alt", {{"type", "string"}}},
                {"visibility", {{"type", "string"}}},
                {"status", {{"enum", {"draft", "published", "scheduled"}}}},
                {"published_at", {{"type", "string"}}},
                {"updated_at", {{"type", "string"}}}}}}},
            {"AdminMember",
             {{"type", "object"},
              {"properties",
               {{"email", {{"type", "string"}}},
                {"name", {{"type", "string"}}},
                {"note", {{"type", "string"}}},
                {"labels", {{"type", "array"}}},
                {"tiers", {{"type", "array"}}},
                {"subscribed", {{"type", "boolean"}}},
                {"send_email", {{"type", "boolean"}}}}}}},
            {"Errors",
             {{"type", "object"},
              {"properties", {{"errors", {{"type", "array"}, {"items", error}}}}}}}}}};
}

Json MakeDocument() {
  Json paths = Json::object();
  for (const ContentApiResource& r : ContentApi::Resources()) {
    paths["/api/content/" + r.path + "/"] = {{"get", ListOperation(r)}};
  }
  paths["/api/content/articles/{id}/"] = {{"get", ItemOperation("article_by_id", "id")}};
  paths["/api/content/articles/slug/{slug}/"] = {{"get", ItemOperation("article_by_slug", "slug")}};
  paths["/api/admin/articles/"] = {{"post", AdminOperation("create_article", "Create an article",
                                                           false, AdminBody::kPosts, "201")}};
  paths["/api/admin/articles/{id}/"] = {
      {"put", AdminOperation("update_article",
                             "Update, publish, schedule or unpublish an article (updated_at "
                             "must be the one read: 409 otherwise)",
                             true, AdminBody::kPosts, "200")},
      {"delete",
       AdminOperation("delete_article", "Delete an article", true, AdminBody::kNone, "204")}};
  paths["/api/admin/images/upload/"] = {
      {"post", AdminOperation("upload_image",
                              "Upload an image (JPEG, PNG or WebP; alt text required): "
                              "{\"images\": [{\"url\", \"ref\"}]}",
                              false, AdminBody::kImage, "201")}};
  Json list_members =
      AdminOperation("list_members",
                     "List members (filter: id, email, name, status, label, tier; "
                     "created_at:>'2026-01-01' with >, >=, <, <=; search: email or name)",
                     false, AdminBody::kNone, "200");
  for (const char* p : {"filter", "limit", "page", "fields", "search"}) {
    list_members["parameters"].push_back(Ref(std::string("parameters/") + p));
  }
  paths["/api/admin/members/"] = {
      {"get", std::move(list_members)},
      {"post", AdminOperation("add_member",
                              "Add a member (send_email: true mails the sign-in link; 422 "
                              "MEMBER_EXISTS for a taken address)",
                              false, AdminBody::kMembers, "201")}};
  paths["/api/admin/members/{id}/"] = {
      {"get", AdminOperation("read_member", "One member", true, AdminBody::kNone, "200")},
      {"put", AdminOperation("edit_member", "Change a member; tiers: the tiers comped", true,
                             AdminBody::kMembers, "200")},
      {"delete",
       AdminOperation("delete_member", "Erase a member (newsletter consent records are kept)", true,
                      AdminBody::kNone, "204")}};
  paths[kOpenApiPath] = {{"get",
                          {{"summary", "This document"},
                           {"operationId", "openapi"},
                           {"responses", {{"200", {{"description", "the OpenAPI document"}}}}}}}};
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "cinepress APIs"},
            {"version", "1"},
            {"description",
             "The magazine's Content API (read-only, an integration's key in ?key=, the shape of "
             "Ghost's Content API) and Admin API (Authorization: Bearer with the integration's "
             "Admin API key). See docs/API.md."}}},
          {"servers", {{{"url", "/"}}}},
          {"paths", std::move(paths)},
          {"components", Components()}};
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string kDocument = MakeDocument().dump(2);
  return kDocument;
}

void MountOpenApi(Router& router) {
  router.Add({"GET", kOpenApiPath, false, false, [](RequestContext& ctx) {
                return ApiJson(ctx.request, 200, OpenApiDocument(), true);
              }});
}

}  // namespace cinepress
