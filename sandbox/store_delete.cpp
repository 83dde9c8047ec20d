// DELETE: refused while other records depend on the record, otherwise a client takes its sites and contacts along.
#include "sandbox/record_util.h"
#include "sandbox/store.h"
#include "sandbox/time_util.h"

namespace sandbox {

using nlohmann::json;

// Deleting is refused while history or other records depend on the record (Halo leaves this undocumented; the
// sandbox errs on the side of keeping history). A client's own sites and contacts go with it.
void Store::remove(Kind kind, long long id) {
  std::lock_guard lock(mu_);
  if (!exists(kind, id)) throw ApiError(404, not_found(kind, id));
  const std::string label = std::string(kind_info(kind).label) + " " + std::to_string(id);
  auto refuse = [&](const std::string& why) {
    throw ApiError(400, {{"Message", label + " cannot be deleted: " + why + ". Set inactive: true instead."}});
  };
  auto count = [&](const char* table, const char* column) {
    return db_.scalar(std::string("SELECT COUNT(*) FROM ") + table + " WHERE " + column + "=?", {id});
  };
  Transaction tx(db_);
  const std::string now = now_iso();
  switch (kind) {
    case Kind::Client:
      if (auto n = count("tickets", "client_id")) refuse("it has " + std::to_string(n) + " ticket(s)");
      if (auto n = count("contracts", "client_id")) refuse("it has " + std::to_string(n) + " contract(s)");
      if (auto n = count("clients", "parent_id"))
        refuse("it is the invoicing client (client_to_invoice) of " + std::to_string(n) + " other client(s)");
      db_.execute("DELETE FROM users WHERE client_id=?", {id});
      db_.execute("DELETE FROM sites WHERE client_id=?", {id});
      db_.execute("DELETE FROM clients WHERE id=?", {id});
      break;
    case Kind::Site: {
      if (auto n = count("tickets", "site_id")) refuse("it has " + std::to_string(n) + " ticket(s)");
      if (auto n = count("contracts", "site_id")) refuse("it has " + std::to_string(n) + " contract(s)");
      if (auto n = count("users", "site_id"))
        refuse("it still has " + std::to_string(n) + " contact(s); move or delete them first");
      const long long client = db_.scalar("SELECT client_id FROM sites WHERE id=?", {id});
      db_.execute("DELETE FROM sites WHERE id=?", {id});
      ensure_main_site(client, now, quirks_.get().first_site_becomes_main);
      break;
    }
    case Kind::User: {
      if (auto n = count("tickets", "user_id")) refuse("they have " + std::to_string(n) + " ticket(s)");
      auto st = db_.prepare("SELECT id FROM sites WHERE json_extract(data, '$.maincontact_id') = ?");
      st.bind(1, id);
      std::vector<long long> sites;
      while (st.step()) sites.push_back(st.int_at(0));
      for (long long s : sites) {
        json site = *load(Kind::Site, s);
        site.erase("maincontact_id");
        site["slastupdate"] = now;
        write_row(Kind::Site, s, site, false);
      }
      db_.execute("DELETE FROM users WHERE id=?", {id});
      break;
    }
    default: throw ApiError(405, {{"Message", "The requested resource does not support http method 'DELETE'."}});
  }
  tx.commit();
}

}  // namespace sandbox
