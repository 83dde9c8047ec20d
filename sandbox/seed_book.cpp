// A realistic MSP client book, deterministic so tests can name records. Ids come in separate ranges per type
// (clients 1-40, sites 101-148, contacts 1001-1068, contracts 301-315, tickets 5001-5030) so an id used for the
// wrong type shows up as a 404 instead of silently reading another record.
//
// Notable records:
//   Client types: the client-type lookup table (57 by default, the client_type_lookup_id quirk switch) = 1 Customer,
//     2 Prospect, 3 Lead, 4 Partner, 5 Vendor, 6 Supplier.
//   Top levels: 1 "Managed Services", 2 "Projects & Ad-hoc".
//   Near-duplicates: 1 "Acme Corp" vs 2 "ACME Corporation" (contact "Jane Doe" with the same e-mail
//     jane.doe@acme.com in both: 1001 and 1005); 5 "Brightwater Logistics" vs 6 "Brightwater Logistcs" (typo;
//     tom.baker@brightwaterlogistics.com 1013 vs tom.baker@brightwaterlogistcs.com 1016); 13 "The Carter Group" vs
//     14 "Carter Group Ltd". Not duplicates: 3 "Summit Dental" vs 4 "Summit Legal LLP" (each with a "Helen Marsh":
//     1007 and 1012).
//   Billing parents (client_to_invoice): 7 "Harbour Health Group" invoices 8 and 9; 10 "Northwind Holdings Ltd"
//     invoices 11 and 12.
//   Inactive clients: 23 "Old Mill Bakery", 24 "Gamma Print Ltd" (contacts 1045 and 1046 still active, an open
//     ticket 5023 and an active contract 312), 25 "Delta Freight Services", 26 "Zenith Architects".
//   No sites: 22 "Kestrel Ventures". Sites but no contacts: 21 "Bluebell Florists".
//   Invalid e-mail: contact 1042 "Mike Ross" (mike.ross@@pearsonhardman). Contacts without e-mail: 1004, 1015,
//     1024 (inactive, on inactive site 115), 1034, 1036, 1055.
//   Custom fields on clients 1, 3, 10, 35. Client 1 is VIP with a warehouse site (102) besides its main site (101).
//   Tickets: 14 closed (status 9), 16 open (5018 and 5030 on hold, status 4); contracts: 13 active, 2 inactive (313,
//     315), in Halo's ContractHeader_List shape (active, expired).
//   Credit stop and pop-up notes: 16 "St Mary's High School" is on stop (stopped 2: any non-zero value is a stop, the
//     values are undocumented) with a client pop-up note; its contact 1033 has one too.
#include "sandbox/seed_book.h"

namespace sandbox::seed_book {

const char* const kTopLevels = R"json([
  {"id": 1, "name": "Managed Services", "notes": "Clients on a managed service agreement"},
  {"id": 2, "name": "Projects & Ad-hoc", "notes": "Project, break-fix and prospective clients"}
])json";

const char* const kCustomerTypes = R"json([
  {"id": 1, "name": "Customer", "sequence": 1},
  {"id": 2, "name": "Prospect", "sequence": 2},
  {"id": 3, "name": "Lead", "sequence": 3},
  {"id": 4, "name": "Partner", "sequence": 4},
  {"id": 5, "name": "Vendor", "sequence": 5},
  {"id": 6, "name": "Supplier", "sequence": 6}
])json";

const char* const kClients = R"json([
  {"id": 1, "name": "Acme Corp", "toplevel_id": 1, "customertype": 1, "is_vip": true, "ref": "ACME01", "website": "https://www.acme.com", "accountsemailaddress": "accounts@acme.com", "paymentterms": 30, "tax_number": "GB123456789", "accountmanagertech": 2, "colour": "#1f6feb", "notes": "Gold MSA. Warehouse alarm code held by Gary Oldham.", "customfields": [{"id": 101, "name": "CFContractTier", "label": "Contract tier", "type": 0, "value": "Gold", "display": "Gold"}]},
  {"id": 2, "name": "ACME Corporation", "toplevel_id": 2, "customertype": 2, "ref": "ACME02", "website": "https://acmecorporation.co.uk", "notes": "Came in through the website form; may be the same company as Acme Corp."},
  {"id": 3, "name": "Summit Dental", "toplevel_id": 1, "customertype": 1, "ref": "SUMD01", "website": "https://summitdental.co.uk", "accountsemailaddress": "accounts@summitdental.co.uk", "paymentterms": 14, "accountmanagertech": 3, "customfields": [{"id": 101, "name": "CFContractTier", "label": "Contract tier", "type": 0, "value": "Silver", "display": "Silver"}]},
  {"id": 4, "name": "Summit Legal LLP", "toplevel_id": 1, "customertype": 1, "ref": "SUML01", "website": "https://summitlegal.co.uk", "trading_name": "Summit Legal", "paymentterms": 30, "tax_number": "GB987654321", "accountmanagertech": 2},
  {"id": 5, "name": "Brightwater Logistics", "toplevel_id": 1, "customertype": 1, "ref": "BWL01", "website": "https://brightwaterlogistics.com", "accountsemailaddress": "finance@brightwaterlogistics.com", "paymentterms": 30, "accountmanagertech": 3},
  {"id": 6, "name": "Brightwater Logistcs", "toplevel_id": 2, "customertype": 3, "notes": "Created from an inbound e-mail; name typed by hand."},
  {"id": 7, "name": "Harbour Health Group", "toplevel_id": 1, "customertype": 1, "ref": "HHG00", "website": "https://harbourhealth.co.uk", "accountsemailaddress": "ap@harbourhealth.co.uk", "paymentterms": 45, "accountmanagertech": 2, "notes": "Group entity: invoices both Harbour Dental practices."},
  {"id": 8, "name": "Harbour Dental - Kingsway", "toplevel_id": 1, "customertype": 1, "ref": "HHG01", "client_to_invoice": 7, "accountmanagertech": 2},
  {"id": 9, "name": "Harbour Dental - Riverside", "toplevel_id": 1, "customertype": 1, "ref": "HHG02", "client_to_invoice": 7, "accountmanagertech": 2},
  {"id": 10, "name": "Northwind Holdings Ltd", "toplevel_id": 1, "customertype": 1, "is_vip": true, "ref": "NWH00", "website": "https://northwindgroup.co.uk", "accountsemailaddress": "payables@northwindgroup.co.uk", "paymentterms": 60, "tax_number": "GB555000111", "accountmanagertech": 1, "customfields": [{"id": 102, "name": "CFLegacyPSAId", "label": "Legacy PSA id", "type": 0, "value": "CW-4411", "display": "CW-4411"}]},
  {"id": 11, "name": "Northwind Logistics", "toplevel_id": 1, "customertype": 1, "ref": "NWH01", "client_to_invoice": 10, "accountmanagertech": 1},
  {"id": 12, "name": "Northwind Retail", "toplevel_id": 1, "customertype": 1, "ref": "NWH02", "client_to_invoice": 10, "accountmanagertech": 1},
  {"id": 13, "name": "The Carter Group", "toplevel_id": 1, "customertype": 1, "ref": "CART01", "website": "https://cartergroup.co.uk", "paymentterms": 30, "accountmanagertech": 3},
  {"id": 14, "name": "Carter Group Ltd", "toplevel_id": 2, "customertype": 1, "ref": "CART02", "notes": "Old Microsoft 365 tenant; mailboxes being migrated to The Carter Group."},
  {"id": 15, "name": "Oakridge Primary School", "toplevel_id": 1, "customertype": 1, "ref": "OAK01", "website": "https://oakridge.sch.uk", "paymentterms": 30, "accountmanagertech": 1},
  {"id": 16, "name": "St Mary's High School", "toplevel_id": 1, "customertype": 1, "ref": "STM01", "website": "https://stmarys-high.org.uk", "paymentterms": 30, "accountmanagertech": 1, "stopped": 2, "popup_notes": [{"id": 1, "note": "Account on stop: invoices unpaid since November. Log tickets, but no chargeable work without the bursar's approval.", "date_created": "2024-12-02T09:00:00.000Z", "dismissable": true, "displaymodal": true}]},
  {"id": 17, "name": "Riverside Veterinary Clinic", "toplevel_id": 1, "customertype": 1, "ref": "RVC01", "paymentterms": 14, "accountmanagertech": 3},
  {"id": 18, "name": "Pinnacle Manufacturing Inc.", "toplevel_id": 1, "customertype": 1, "ref": "PMI01", "website": "https://pinnaclemfg.com", "accountsemailaddress": "ap@pinnaclemfg.com", "paymentterms": 30, "tax_number": "US-31-4159265", "accountmanagertech": 2},
  {"id": 19, "name": "Greenfield Dental Practice", "toplevel_id": 1, "customertype": 1, "ref": "GDP01", "paymentterms": 14, "accountmanagertech": 3},
  {"id": 20, "name": "Pearson & Hardman Solicitors", "toplevel_id": 1, "customertype": 1, "ref": "PH01", "website": "https://pearsonhardman.co.uk", "paymentterms": 30, "accountmanagertech": 2},
  {"id": 21, "name": "Bluebell Florists", "toplevel_id": 2, "customertype": 1, "ref": "BLUE01", "notes": "Break-fix only; nobody named as a contact yet."},
  {"id": 22, "name": "Kestrel Ventures", "toplevel_id": 2, "customertype": 3, "notes": "Met at the chamber of commerce breakfast; no address yet."},
  {"id": 23, "name": "Old Mill Bakery", "toplevel_id": 2, "customertype": 1, "inactive": true, "ref": "OMB01", "notes": "Closed down in 2023."},
  {"id": 24, "name": "Gamma Print Ltd", "toplevel_id": 1, "customertype": 1, "inactive": true, "ref": "GAM01", "paymentterms": 30, "notes": "Deactivated after the merger; contacts still active, backup contract runs to 2026."},
  {"id": 25, "name": "Delta Freight Services", "toplevel_id": 2, "customertype": 1, "inactive": true, "ref": "DFS01"},
  {"id": 26, "name": "Zenith Architects", "toplevel_id": 2, "customertype": 1, "inactive": true, "ref": "ZEN01"},
  {"id": 27, "name": "Lakeside Accounting", "toplevel_id": 1, "customertype": 1, "ref": "LAKE01", "website": "https://lakesideaccounting.co.uk", "paymentterms": 30, "accountmanagertech": 3},
  {"id": 28, "name": "Metro Physiotherapy", "toplevel_id": 1, "customertype": 1, "ref": "MET01", "paymentterms": 14, "accountmanagertech": 1},
  {"id": 29, "name": "Orchard Family Practice", "toplevel_id": 1, "customertype": 1, "ref": "OFP01", "paymentterms": 30, "accountmanagertech": 1},
  {"id": 30, "name": "Redwood Construction Ltd", "toplevel_id": 1, "customertype": 1, "ref": "RED01", "website": "https://redwoodconstruction.co.uk", "paymentterms": 30, "accountmanagertech": 2},
  {"id": 31, "name": "Silverline Insurance Brokers", "toplevel_id": 1, "customertype": 1, "ref": "SIL01", "paymentterms": 30, "accountmanagertech": 3},
  {"id": 32, "name": "Cobalt Engineering", "toplevel_id": 1, "customertype": 1, "ref": "COB01", "website": "https://cobalteng.com", "paymentterms": 30, "accountmanagertech": 2},
  {"id": 33, "name": "Willow Creek Academy", "toplevel_id": 1, "customertype": 1, "ref": "WCA01", "paymentterms": 30, "accountmanagertech": 1},
  {"id": 34, "name": "Fairview Dental Studio", "toplevel_id": 1, "customertype": 2, "ref": "FDS01", "notes": "Proposal sent; decision expected next quarter."},
  {"id": 35, "name": "Hartley & Moss LLP", "toplevel_id": 1, "customertype": 1, "ref": "HM01", "website": "https://hartleymoss.co.uk", "paymentterms": 30, "accountmanagertech": 2, "customfields": [{"id": 101, "name": "CFContractTier", "label": "Contract tier", "type": 0, "value": "Gold", "display": "Gold"}]},
  {"id": 36, "name": "Precision Plastics Ltd", "toplevel_id": 1, "customertype": 1, "ref": "PPL01", "paymentterms": 30, "accountmanagertech": 3},
  {"id": 37, "name": "Sterling Wealth Partners", "toplevel_id": 1, "customertype": 1, "is_vip": true, "ref": "SWP01", "paymentterms": 30, "accountmanagertech": 1},
  {"id": 38, "name": "Contoso Supplies", "toplevel_id": 2, "customertype": 6, "ref": "SUP-CON"},
  {"id": 39, "name": "Fabrikam IT Distribution", "toplevel_id": 2, "customertype": 5, "ref": "VEN-FAB"},
  {"id": 40, "name": "Litware Cloud Partners", "toplevel_id": 2, "customertype": 4, "ref": "PAR-LIT"}
])json";

const char* const kSites = R"json([
  {"id": 101, "client_id": 1, "name": "Head Office", "phonenumber": "0117 496 0101", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "acme.com", "isinvoicesite": true, "delivery_address": {"line1": "1 Temple Way", "line2": "Redcliffe", "line3": "Bristol", "line4": "Avon", "postcode": "BS1 6HG"}},
  {"id": 102, "client_id": 1, "name": "Warehouse", "phonenumber": "0117 496 0102", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Unit 4, Avonmouth Way", "line3": "Bristol", "postcode": "BS11 9YA"}},
  {"id": 103, "client_id": 2, "name": "Main Site", "phonenumber": "0117 496 0199", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "1 Temple Way", "line3": "Bristol", "postcode": "BS1 6HG"}},
  {"id": 104, "client_id": 3, "name": "Main Surgery", "phonenumber": "0113 496 0104", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "summitdental.co.uk", "delivery_address": {"line1": "22 Park Row", "line3": "Leeds", "line4": "West Yorkshire", "postcode": "LS1 5JF"}},
  {"id": 105, "client_id": 4, "name": "Head Office", "phonenumber": "0113 496 0105", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "summitlegal.co.uk", "delivery_address": {"line1": "8 Wellington Place", "line3": "Leeds", "line4": "West Yorkshire", "postcode": "LS1 4AP"}},
  {"id": 106, "client_id": 4, "name": "Harrogate Office", "phonenumber": "01423 496 106", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "3 Victoria Avenue", "line3": "Harrogate", "postcode": "HG1 1EQ"}},
  {"id": 107, "client_id": 5, "name": "Head Office", "phonenumber": "01473 496 107", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "brightwaterlogistics.com", "delivery_address": {"line1": "Orwell House", "line2": "Ransomes Europark", "line3": "Ipswich", "line4": "Suffolk", "postcode": "IP3 9SJ"}},
  {"id": 108, "client_id": 5, "name": "Felixstowe Depot", "phonenumber": "01394 496 108", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Dock Gate 2", "line3": "Felixstowe", "postcode": "IP11 3SY"}},
  {"id": 109, "client_id": 6, "name": "Main", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Orwell House", "line3": "Ipswich", "postcode": "IP3 9SJ"}},
  {"id": 110, "client_id": 7, "name": "Group Office", "phonenumber": "01752 496 110", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "harbourhealth.co.uk", "isinvoicesite": true, "delivery_address": {"line1": "Harbour House", "line2": "Sutton Harbour", "line3": "Plymouth", "line4": "Devon", "postcode": "PL4 0DW"}},
  {"id": 111, "client_id": 8, "name": "Kingsway Surgery", "phonenumber": "01752 496 111", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "41 Kingsway", "line3": "Plymouth", "postcode": "PL5 1AA"}},
  {"id": 112, "client_id": 9, "name": "Riverside Surgery", "phonenumber": "01752 496 112", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "2 Riverside Walk", "line3": "Plymouth", "postcode": "PL1 3ED"}},
  {"id": 113, "client_id": 10, "name": "Registered Office", "phonenumber": "0161 496 0113", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "northwindgroup.co.uk", "isinvoicesite": true, "delivery_address": {"line1": "100 Deansgate", "line3": "Manchester", "postcode": "M3 2GP"}},
  {"id": 114, "client_id": 11, "name": "Trafford Park DC", "phonenumber": "0161 496 0114", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Westinghouse Road", "line2": "Trafford Park", "line3": "Manchester", "postcode": "M17 1PY"}},
  {"id": 115, "client_id": 11, "name": "Leeds Cross-dock", "inactive": true, "country_code": "GB", "timezone": "GMT Standard Time", "notes": "Closed March 2024.", "delivery_address": {"line1": "Stourton Link", "line3": "Leeds", "postcode": "LS10 1RW"}},
  {"id": 116, "client_id": 12, "name": "Market Street Store", "phonenumber": "0161 496 0116", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "50 Market Street", "line3": "Manchester", "postcode": "M1 1PW"}},
  {"id": 117, "client_id": 12, "name": "Arndale Store", "phonenumber": "0161 496 0117", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Unit 12, Arndale Centre", "line3": "Manchester", "postcode": "M4 3AQ"}},
  {"id": 118, "client_id": 13, "name": "Head Office", "phonenumber": "029 2049 6118", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "cartergroup.co.uk", "delivery_address": {"line1": "Capital Tower", "line2": "Greyfriars Road", "line3": "Cardiff", "postcode": "CF10 3AG"}},
  {"id": 119, "client_id": 14, "name": "Cardiff", "phonenumber": "029 2049 6118", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Capital Tower, Greyfriars Rd", "line3": "Cardiff", "postcode": "CF10 3AG"}},
  {"id": 120, "client_id": 15, "name": "Main Building", "phonenumber": "0117 496 0120", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "oakridge.sch.uk", "delivery_address": {"line1": "Oakridge Lane", "line3": "Bristol", "postcode": "BS16 2QX"}},
  {"id": 121, "client_id": 16, "name": "Main Campus", "phonenumber": "0117 496 0121", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "stmarys-high.org.uk", "delivery_address": {"line1": "St Mary's Road", "line3": "Bath", "postcode": "BA2 3QT"}},
  {"id": 122, "client_id": 16, "name": "Sixth Form Centre", "phonenumber": "0117 496 0122", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Widcombe Hill", "line3": "Bath", "postcode": "BA2 6AA"}},
  {"id": 123, "client_id": 17, "name": "Clinic", "phonenumber": "01225 496 123", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "5 Riverside Court", "line3": "Bath", "postcode": "BA2 3DZ"}},
  {"id": 124, "client_id": 18, "name": "Plant 1 - Dayton", "phonenumber": "+1 937 555 0124", "country_code": "US", "timezone": "Eastern Standard Time", "emaildomain": "pinnaclemfg.com", "isinvoicesite": true, "delivery_address": {"line1": "2400 Industrial Pkwy", "line3": "Dayton", "line4": "OH", "postcode": "45414"}},
  {"id": 125, "client_id": 18, "name": "Plant 2 - Columbus", "phonenumber": "+1 614 555 0125", "country_code": "US", "timezone": "Eastern Standard Time", "delivery_address": {"line1": "88 Fabrication Dr", "line3": "Columbus", "line4": "OH", "postcode": "43219"}},
  {"id": 126, "client_id": 19, "name": "Practice", "phonenumber": "01454 496 126", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "14 Greenfield Road", "line3": "Yate", "postcode": "BS37 4AB"}},
  {"id": 127, "client_id": 20, "name": "Chambers", "phonenumber": "020 7946 0127", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "pearsonhardman.co.uk", "delivery_address": {"line1": "601 Fleet Street", "line3": "London", "postcode": "EC4Y 1AA"}},
  {"id": 128, "client_id": 21, "name": "Shop", "phonenumber": "0117 496 0128", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "7 Gloucester Road", "line3": "Bristol", "postcode": "BS7 8AA"}},
  {"id": 129, "client_id": 23, "name": "Bakery", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "The Old Mill", "line2": "Mill Lane", "line3": "Frome", "postcode": "BA11 1AA"}},
  {"id": 130, "client_id": 24, "name": "Print Works", "phonenumber": "01173 496 130", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Unit 9, Feeder Road", "line3": "Bristol", "postcode": "BS2 0SB"}},
  {"id": 131, "client_id": 25, "name": "Yard", "phonenumber": "01633 496 131", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Docks Way", "line3": "Newport", "postcode": "NP20 2NW"}},
  {"id": 132, "client_id": 26, "name": "Studio", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "3 Queen Square", "line3": "Bristol", "postcode": "BS1 4JQ"}},
  {"id": 133, "client_id": 27, "name": "Office", "phonenumber": "01934 496 133", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "lakesideaccounting.co.uk", "delivery_address": {"line1": "Lakeside House", "line3": "Weston-super-Mare", "postcode": "BS23 1AA"}},
  {"id": 134, "client_id": 28, "name": "Clinic", "phonenumber": "0117 496 0134", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "19 Whiteladies Road", "line3": "Bristol", "postcode": "BS8 1PB"}},
  {"id": 135, "client_id": 29, "name": "Surgery", "phonenumber": "01225 496 135", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Orchard Way", "line3": "Keynsham", "postcode": "BS31 1AA"}},
  {"id": 136, "client_id": 30, "name": "Head Office", "phonenumber": "0117 496 0136", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "redwoodconstruction.co.uk", "delivery_address": {"line1": "Redwood House", "line2": "Aztec West", "line3": "Bristol", "postcode": "BS32 4TD"}},
  {"id": 137, "client_id": 30, "name": "Site Office - Temple Quay", "phonenumber": "07700 900137", "country_code": "GB", "timezone": "GMT Standard Time", "notes": "Temporary cabin until the build completes.", "delivery_address": {"line1": "Temple Quay Plot 3", "line3": "Bristol", "postcode": "BS1 6EA"}},
  {"id": 138, "client_id": 31, "name": "Office", "phonenumber": "020 7946 0138", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "12 Lime Street", "line3": "London", "postcode": "EC3M 7AA"}},
  {"id": 139, "client_id": 32, "name": "Austin HQ", "phonenumber": "+1 512 555 0139", "country_code": "US", "timezone": "Central Standard Time", "emaildomain": "cobalteng.com", "delivery_address": {"line1": "500 Congress Ave, Suite 900", "line3": "Austin", "line4": "TX", "postcode": "78701"}},
  {"id": 140, "client_id": 33, "name": "Academy", "phonenumber": "0117 496 0140", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Willow Creek Road", "line3": "Portishead", "postcode": "BS20 6AA"}},
  {"id": 141, "client_id": 34, "name": "Studio", "phonenumber": "0117 496 0141", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "2 Fairview Parade", "line3": "Clevedon", "postcode": "BS21 7AA"}},
  {"id": 142, "client_id": 35, "name": "London Office", "phonenumber": "020 7946 0142", "country_code": "GB", "timezone": "GMT Standard Time", "emaildomain": "hartleymoss.co.uk", "isinvoicesite": true, "delivery_address": {"line1": "25 Chancery Lane", "line3": "London", "postcode": "WC2A 1LS"}},
  {"id": 143, "client_id": 35, "name": "Reading Office", "phonenumber": "0118 496 0143", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "4 Forbury Square", "line3": "Reading", "postcode": "RG1 3EB"}},
  {"id": 144, "client_id": 36, "name": "Factory", "phonenumber": "01793 496 144", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Unit 3, Kembrey Park", "line3": "Swindon", "postcode": "SN2 8UY"}},
  {"id": 145, "client_id": 37, "name": "Office", "phonenumber": "0117 496 0145", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "1 Welsh Back", "line3": "Bristol", "postcode": "BS1 4SB"}},
  {"id": 146, "client_id": 38, "name": "Head Office", "phonenumber": "0121 496 0146", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Contoso Park", "line3": "Birmingham", "postcode": "B1 1AA"}},
  {"id": 147, "client_id": 39, "name": "Distribution Centre", "phonenumber": "01908 496 147", "country_code": "GB", "timezone": "GMT Standard Time", "delivery_address": {"line1": "Fabrikam Way", "line3": "Milton Keynes", "postcode": "MK1 1AA"}},
  {"id": 148, "client_id": 40, "name": "Office", "phonenumber": "+1 206 555 0148", "country_code": "US", "timezone": "Pacific Standard Time", "delivery_address": {"line1": "1 Litware Plaza", "line3": "Seattle", "line4": "WA", "postcode": "98101"}}
])json";

const char* const kUsers = R"json([
  {"id": 1001, "site_id": 101, "name": "Jane Doe", "firstname": "Jane", "surname": "Doe", "title": "Office Manager", "emailaddress": "jane.doe@acme.com", "phonenumber": "0117 496 0101", "ismaincontact": true, "isimportantcontact": true},
  {"id": 1002, "site_id": 101, "name": "Robert Smith", "firstname": "Robert", "surname": "Smith", "title": "Finance Director", "emailaddress": "robert.smith@acme.com", "mobilenumber": "07700 900201", "isimportantcontact": true},
  {"id": 1003, "site_id": 101, "name": "Priya Patel", "firstname": "Priya", "surname": "Patel", "title": "IT Lead", "emailaddress": "priya.patel@acme.com", "mobilenumber": "07700 900202", "customfields": [{"id": 201, "name": "CFPreferredContactMethod", "label": "Preferred contact method", "type": 0, "value": "Teams", "display": "Teams"}]},
  {"id": 1004, "site_id": 102, "name": "Gary Oldham", "firstname": "Gary", "surname": "Oldham", "title": "Warehouse Supervisor", "phonenumber": "0117 496 0102"},
  {"id": 1005, "site_id": 103, "name": "Jane Doe", "firstname": "Jane", "surname": "Doe", "title": "Operations Manager", "emailaddress": "jane.doe@acme.com"},
  {"id": 1006, "site_id": 103, "name": "Tom Reed", "firstname": "Tom", "surname": "Reed", "title": "Buyer", "emailaddress": "tom.reed@acmecorporation.co.uk"},
  {"id": 1007, "site_id": 104, "name": "Helen Marsh", "firstname": "Helen", "surname": "Marsh", "title": "Principal Dentist", "emailaddress": "helen.marsh@summitdental.co.uk", "ismaincontact": true},
  {"id": 1008, "site_id": 104, "name": "Lucy Green", "firstname": "Lucy", "surname": "Green", "title": "Practice Manager", "emailaddress": "lucy.green@summitdental.co.uk", "isimportantcontact": true},
  {"id": 1009, "site_id": 104, "name": "Reception Desk", "title": "Reception", "emailaddress": "reception@summitdental.co.uk", "phonenumber": "0113 496 0104"},
  {"id": 1010, "site_id": 105, "name": "Mark Allen", "firstname": "Mark", "surname": "Allen", "title": "Managing Partner", "emailaddress": "mark.allen@summitlegal.co.uk", "ismaincontact": true},
  {"id": 1011, "site_id": 105, "name": "Sarah Khan", "firstname": "Sarah", "surname": "Khan", "title": "IT & Facilities Manager", "emailaddress": "sarah.khan@summitlegal.co.uk"},
  {"id": 1012, "site_id": 106, "name": "Helen Marsh", "firstname": "Helen", "surname": "Marsh", "title": "Paralegal", "emailaddress": "h.marsh@summitlegal.co.uk"},
  {"id": 1013, "site_id": 107, "name": "Tom Baker", "firstname": "Tom", "surname": "Baker", "title": "Operations Director", "emailaddress": "tom.baker@brightwaterlogistics.com", "ismaincontact": true},
  {"id": 1014, "site_id": 108, "name": "Nina Kowalski", "firstname": "Nina", "surname": "Kowalski", "title": "Transport Planner", "emailaddress": "nina.kowalski@brightwaterlogistics.com"},
  {"id": 1015, "site_id": 108, "name": "Dave Price", "firstname": "Dave", "surname": "Price", "title": "Depot Supervisor", "phonenumber": "01394 496 108"},
  {"id": 1016, "site_id": 109, "name": "Tom Baker", "firstname": "Tom", "surname": "Baker", "title": "Operations Director", "emailaddress": "tom.baker@brightwaterlogistcs.com"},
  {"id": 1017, "site_id": 110, "name": "Claire Dunn", "firstname": "Claire", "surname": "Dunn", "title": "Group Finance Manager", "emailaddress": "claire.dunn@harbourhealth.co.uk", "ismaincontact": true},
  {"id": 1018, "site_id": 111, "name": "Owen Price", "firstname": "Owen", "surname": "Price", "title": "Dentist", "emailaddress": "owen.price@harbourhealth.co.uk"},
  {"id": 1019, "site_id": 111, "name": "Amy Lewis", "firstname": "Amy", "surname": "Lewis", "title": "Practice Manager", "emailaddress": "amy.lewis@harbourhealth.co.uk", "ismaincontact": true},
  {"id": 1020, "site_id": 112, "name": "Rachel Stone", "firstname": "Rachel", "surname": "Stone", "title": "Practice Manager", "emailaddress": "rachel.stone@harbourhealth.co.uk", "ismaincontact": true},
  {"id": 1021, "site_id": 113, "name": "Andrew Fuller", "firstname": "Andrew", "surname": "Fuller", "title": "Chief Executive", "emailaddress": "andrew.fuller@northwindgroup.co.uk", "isimportantcontact": true},
  {"id": 1022, "site_id": 113, "name": "Nancy Davolio", "firstname": "Nancy", "surname": "Davolio", "title": "Group IT Manager", "emailaddress": "nancy.davolio@northwindgroup.co.uk", "ismaincontact": true},
  {"id": 1023, "site_id": 114, "name": "Steven Buchanan", "firstname": "Steven", "surname": "Buchanan", "title": "Warehouse Manager", "emailaddress": "steven.buchanan@northwindgroup.co.uk"},
  {"id": 1024, "site_id": 115, "name": "Michael Suyama", "firstname": "Michael", "surname": "Suyama", "title": "Shift Lead", "inactive": true},
  {"id": 1025, "site_id": 116, "name": "Laura Callahan", "firstname": "Laura", "surname": "Callahan", "title": "Store Manager", "emailaddress": "laura.callahan@northwindgroup.co.uk"},
  {"id": 1026, "site_id": 117, "name": "Anne Dodsworth", "firstname": "Anne", "surname": "Dodsworth", "title": "Assistant Store Manager", "emailaddress": "anne.dodsworth@northwindgroup.co.uk"},
  {"id": 1027, "site_id": 118, "name": "James Carter", "firstname": "James", "surname": "Carter", "title": "Managing Director", "emailaddress": "james.carter@cartergroup.co.uk", "ismaincontact": true},
  {"id": 1028, "site_id": 118, "name": "Emma Carter", "firstname": "Emma", "surname": "Carter", "title": "Office Manager", "emailaddress": "emma.carter@cartergroup.co.uk"},
  {"id": 1029, "site_id": 119, "name": "James Carter", "firstname": "James", "surname": "Carter", "title": "Director", "emailaddress": "j.carter@cartergroup.co.uk"},
  {"id": 1030, "site_id": 120, "name": "Joanne Hill", "firstname": "Joanne", "surname": "Hill", "title": "Headteacher", "emailaddress": "head@oakridge.sch.uk", "ismaincontact": true},
  {"id": 1031, "site_id": 120, "name": "Paul Wright", "firstname": "Paul", "surname": "Wright", "title": "School Business Manager", "emailaddress": "sbm@oakridge.sch.uk"},
  {"id": 1032, "site_id": 121, "name": "Catherine Doyle", "firstname": "Catherine", "surname": "Doyle", "title": "Headteacher", "emailaddress": "c.doyle@stmarys-high.org.uk", "ismaincontact": true},
  {"id": 1033, "site_id": 121, "name": "Ian Brooks", "firstname": "Ian", "surname": "Brooks", "title": "Network Manager", "emailaddress": "i.brooks@stmarys-high.org.uk", "popup_notes": [{"id": 2, "note": "Works term-time only: out of term, call the bursar instead.", "date_created": "2024-09-02T08:00:00.000Z", "dismissable": true}]},
  {"id": 1034, "site_id": 122, "name": "Sixth Form Office", "phonenumber": "0117 496 0122"},
  {"id": 1035, "site_id": 123, "name": "Fiona Grant", "firstname": "Fiona", "surname": "Grant", "title": "Clinical Director", "emailaddress": "fiona@riversidevets.co.uk", "ismaincontact": true},
  {"id": 1036, "site_id": 123, "name": "Reception", "title": "Reception", "phonenumber": "01225 496 123"},
  {"id": 1037, "site_id": 124, "name": "Bill Turner", "firstname": "Bill", "surname": "Turner", "title": "Plant Manager", "emailaddress": "bturner@pinnaclemfg.com", "ismaincontact": true},
  {"id": 1038, "site_id": 124, "name": "Maria Lopez", "firstname": "Maria", "surname": "Lopez", "title": "IT Coordinator", "emailaddress": "mlopez@pinnaclemfg.com"},
  {"id": 1039, "site_id": 125, "name": "Kevin O'Brien", "firstname": "Kevin", "surname": "O'Brien", "title": "Maintenance Lead", "emailaddress": "kobrien@pinnaclemfg.com"},
  {"id": 1040, "site_id": 126, "name": "Sunil Rao", "firstname": "Sunil", "surname": "Rao", "title": "Practice Owner", "emailaddress": "sunil.rao@greenfielddental.co.uk", "ismaincontact": true},
  {"id": 1041, "site_id": 127, "name": "Jessica Pearson", "firstname": "Jessica", "surname": "Pearson", "title": "Senior Partner", "emailaddress": "jessica.pearson@pearsonhardman.co.uk", "ismaincontact": true},
  {"id": 1042, "site_id": 127, "name": "Mike Ross", "firstname": "Mike", "surname": "Ross", "title": "Associate", "emailaddress": "mike.ross@@pearsonhardman"},
  {"id": 1043, "site_id": 127, "name": "Donna Paulsen", "firstname": "Donna", "surname": "Paulsen", "title": "Office Manager", "emailaddress": "donna.paulsen@pearsonhardman.co.uk"},
  {"id": 1044, "site_id": 129, "name": "Peter Mills", "firstname": "Peter", "surname": "Mills", "title": "Owner", "emailaddress": "peter@oldmillbakery.co.uk", "inactive": true},
  {"id": 1045, "site_id": 130, "name": "Rita Shah", "firstname": "Rita", "surname": "Shah", "title": "Director", "emailaddress": "rita.shah@gammaprint.co.uk", "ismaincontact": true},
  {"id": 1046, "site_id": 130, "name": "Colin Webb", "firstname": "Colin", "surname": "Webb", "title": "Production Manager", "emailaddress": "colin.webb@gammaprint.co.uk"},
  {"id": 1047, "site_id": 131, "name": "Omar Haddad", "firstname": "Omar", "surname": "Haddad", "title": "Fleet Manager", "emailaddress": "omar.haddad@deltafreight.co.uk", "inactive": true},
  {"id": 1048, "site_id": 132, "name": "Sofia Bianchi", "firstname": "Sofia", "surname": "Bianchi", "title": "Principal Architect", "emailaddress": "sofia@zenitharchitects.co.uk", "inactive": true},
  {"id": 1049, "site_id": 133, "name": "Graham Lake", "firstname": "Graham", "surname": "Lake", "title": "Partner", "emailaddress": "graham.lake@lakesideaccounting.co.uk", "ismaincontact": true},
  {"id": 1050, "site_id": 133, "name": "Beth Morgan", "firstname": "Beth", "surname": "Morgan", "title": "Practice Administrator", "emailaddress": "beth.morgan@lakesideaccounting.co.uk"},
  {"id": 1051, "site_id": 134, "name": "Dan Hughes", "firstname": "Dan", "surname": "Hughes", "title": "Clinic Lead", "emailaddress": "dan.hughes@metrophysio.co.uk", "ismaincontact": true},
  {"id": 1052, "site_id": 135, "name": "Alice Chen", "firstname": "Alice", "surname": "Chen", "title": "Senior Partner", "emailaddress": "alice.chen@nhs.net", "ismaincontact": true},
  {"id": 1053, "site_id": 135, "name": "Karen Price", "firstname": "Karen", "surname": "Price", "title": "Practice Manager", "emailaddress": "karen.price@nhs.net"},
  {"id": 1054, "site_id": 136, "name": "Stuart Reid", "firstname": "Stuart", "surname": "Reid", "title": "Managing Director", "emailaddress": "stuart.reid@redwoodconstruction.co.uk", "ismaincontact": true},
  {"id": 1055, "site_id": 137, "name": "Leon Fraser", "firstname": "Leon", "surname": "Fraser", "title": "Site Manager", "mobilenumber": "07700 900137"},
  {"id": 1056, "site_id": 138, "name": "Victoria Hale", "firstname": "Victoria", "surname": "Hale", "title": "Compliance Officer", "emailaddress": "victoria.hale@silverline-insurance.co.uk", "ismaincontact": true},
  {"id": 1057, "site_id": 139, "name": "Ethan Brooks", "firstname": "Ethan", "surname": "Brooks", "title": "VP Engineering", "emailaddress": "ethan.brooks@cobalteng.com", "isimportantcontact": true},
  {"id": 1058, "site_id": 139, "name": "Grace Kim", "firstname": "Grace", "surname": "Kim", "title": "IT Manager", "emailaddress": "grace.kim@cobalteng.com", "ismaincontact": true},
  {"id": 1059, "site_id": 140, "name": "Simon Ellis", "firstname": "Simon", "surname": "Ellis", "title": "Principal", "emailaddress": "principal@willowcreek.academy", "ismaincontact": true},
  {"id": 1060, "site_id": 141, "name": "Naomi Frost", "firstname": "Naomi", "surname": "Frost", "title": "Dentist", "emailaddress": "naomi@fairviewdental.co.uk"},
  {"id": 1061, "site_id": 142, "name": "Edward Hartley", "firstname": "Edward", "surname": "Hartley", "title": "Senior Partner", "emailaddress": "edward.hartley@hartleymoss.co.uk", "ismaincontact": true},
  {"id": 1062, "site_id": 143, "name": "Olivia Moss", "firstname": "Olivia", "surname": "Moss", "title": "Partner", "emailaddress": "olivia.moss@hartleymoss.co.uk"},
  {"id": 1063, "site_id": 142, "name": "IT Helpdesk", "title": "Shared mailbox", "emailaddress": "it@hartleymoss.co.uk"},
  {"id": 1064, "site_id": 144, "name": "Ray Collins", "firstname": "Ray", "surname": "Collins", "title": "Operations Manager", "emailaddress": "ray.collins@precisionplastics.co.uk", "ismaincontact": true},
  {"id": 1065, "site_id": 145, "name": "Charlotte Sterling", "firstname": "Charlotte", "surname": "Sterling", "title": "Managing Partner", "emailaddress": "charlotte@sterlingwealth.co.uk", "ismaincontact": true},
  {"id": 1066, "site_id": 146, "name": "Ben Howard", "firstname": "Ben", "surname": "Howard", "title": "Account Manager", "emailaddress": "ben.howard@contoso-supplies.com"},
  {"id": 1067, "site_id": 147, "name": "Lena Fischer", "firstname": "Lena", "surname": "Fischer", "title": "Channel Manager", "emailaddress": "lena.fischer@fabrikam-distribution.com"},
  {"id": 1068, "site_id": 148, "name": "Raj Malhotra", "firstname": "Raj", "surname": "Malhotra", "title": "Alliance Manager", "emailaddress": "raj@litwarecloud.com"}
])json";

// status_id: 1 New, 2 In Progress, 3 Action Required, 4 Waiting on Customer, 9 Closed.
// tickettype_id: 1 Incident, 3 Service Request. priority_id: 1 Critical ... 4 Low.
const char* const kTickets = R"json([
  {"id": 5001, "client_id": 1, "site_id": 101, "user_id": 1003, "summary": "Outlook keeps asking for password", "status_id": 9, "tickettype_id": 1, "priority_id": 3, "dateoccurred": "2024-11-04T09:12:00.000Z", "lastactiondate": "2024-11-04T15:40:00.000Z"},
  {"id": 5002, "client_id": 1, "site_id": 101, "user_id": 1002, "summary": "New starter: finance assistant laptop", "status_id": 2, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-13T10:05:00.000Z", "lastactiondate": "2025-01-15T11:20:00.000Z"},
  {"id": 5003, "client_id": 1, "site_id": 102, "user_id": 1004, "summary": "Warehouse scanner not connecting to Wi-Fi", "status_id": 1, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2025-01-20T07:45:00.000Z", "lastactiondate": "2025-01-20T07:45:00.000Z"},
  {"id": 5004, "client_id": 2, "site_id": 103, "user_id": 1006, "summary": "Quote request: managed services", "status_id": 9, "tickettype_id": 3, "priority_id": 4, "dateoccurred": "2024-09-02T14:00:00.000Z", "lastactiondate": "2024-09-10T16:30:00.000Z"},
  {"id": 5005, "client_id": 3, "site_id": 104, "user_id": 1007, "summary": "X-ray PC slow to boot", "status_id": 9, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2024-10-15T08:30:00.000Z", "lastactiondate": "2024-10-16T12:00:00.000Z"},
  {"id": 5006, "client_id": 3, "site_id": 104, "user_id": 1008, "summary": "Add new receptionist to practice software", "status_id": 2, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-22T09:00:00.000Z", "lastactiondate": "2025-01-22T13:15:00.000Z"},
  {"id": 5007, "client_id": 4, "site_id": 105, "user_id": 1011, "summary": "Document management licence renewal", "status_id": 1, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-27T11:10:00.000Z", "lastactiondate": "2025-01-27T11:10:00.000Z"},
  {"id": 5008, "client_id": 4, "site_id": 106, "user_id": 1012, "summary": "Printer jam at Harrogate office", "status_id": 9, "tickettype_id": 1, "priority_id": 4, "dateoccurred": "2024-12-03T10:20:00.000Z", "lastactiondate": "2024-12-03T11:05:00.000Z"},
  {"id": 5009, "client_id": 5, "site_id": 107, "user_id": 1013, "summary": "VPN drops for remote planners", "status_id": 3, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2025-01-28T08:15:00.000Z", "lastactiondate": "2025-01-29T09:40:00.000Z"},
  {"id": 5010, "client_id": 5, "site_id": 108, "user_id": 1014, "summary": "Replace failed switch in depot", "status_id": 9, "tickettype_id": 1, "priority_id": 1, "dateoccurred": "2024-08-19T06:50:00.000Z", "lastactiondate": "2024-08-19T13:30:00.000Z"},
  {"id": 5011, "client_id": 8, "site_id": 111, "user_id": 1019, "summary": "Backup failure alert", "status_id": 9, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2024-11-21T02:00:00.000Z", "lastactiondate": "2024-11-21T10:10:00.000Z"},
  {"id": 5012, "client_id": 9, "site_id": 112, "user_id": 1020, "summary": "Phone system voicemail not working", "status_id": 2, "tickettype_id": 1, "priority_id": 3, "dateoccurred": "2025-01-30T12:00:00.000Z", "lastactiondate": "2025-01-31T09:00:00.000Z"},
  {"id": 5013, "client_id": 11, "site_id": 114, "user_id": 1023, "summary": "Label printer driver update", "status_id": 9, "tickettype_id": 3, "priority_id": 4, "dateoccurred": "2024-07-08T09:30:00.000Z", "lastactiondate": "2024-07-09T10:00:00.000Z"},
  {"id": 5014, "client_id": 12, "site_id": 116, "user_id": 1025, "summary": "Till PC blue screen", "status_id": 1, "tickettype_id": 1, "priority_id": 1, "dateoccurred": "2025-02-01T09:02:00.000Z", "lastactiondate": "2025-02-01T09:02:00.000Z"},
  {"id": 5015, "client_id": 12, "site_id": 117, "user_id": 1026, "summary": "Guest Wi-Fi password change", "status_id": 9, "tickettype_id": 3, "priority_id": 4, "dateoccurred": "2024-10-01T15:00:00.000Z", "lastactiondate": "2024-10-01T15:20:00.000Z"},
  {"id": 5016, "client_id": 13, "site_id": 118, "user_id": 1027, "summary": "Migrate mailboxes from Carter Group Ltd tenant", "status_id": 2, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-06T09:00:00.000Z", "lastactiondate": "2025-01-30T17:00:00.000Z"},
  {"id": 5017, "client_id": 15, "site_id": 120, "user_id": 1031, "summary": "Interactive whiteboard calibration", "status_id": 9, "tickettype_id": 1, "priority_id": 4, "dateoccurred": "2024-09-09T08:10:00.000Z", "lastactiondate": "2024-09-09T12:00:00.000Z"},
  {"id": 5018, "client_id": 16, "site_id": 121, "user_id": 1033, "summary": "Exam season: extra laptop trolley", "status_id": 4, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-17T13:30:00.000Z", "lastactiondate": "2025-01-24T10:00:00.000Z"},
  {"id": 5019, "client_id": 17, "site_id": 123, "user_id": 1035, "summary": "Practice software update", "status_id": 9, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2024-06-12T18:00:00.000Z", "lastactiondate": "2024-06-12T20:15:00.000Z"},
  {"id": 5020, "client_id": 18, "site_id": 124, "user_id": 1038, "summary": "ERP server disk space warning", "status_id": 1, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2025-02-02T04:00:00.000Z", "lastactiondate": "2025-02-02T04:00:00.000Z"},
  {"id": 5021, "client_id": 18, "site_id": 125, "user_id": 1039, "summary": "New CCTV NVR install", "status_id": 9, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2024-05-20T14:00:00.000Z", "lastactiondate": "2024-06-03T16:00:00.000Z"},
  {"id": 5022, "client_id": 20, "site_id": 127, "user_id": 1042, "summary": "Emails bouncing for Mike Ross", "status_id": 1, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2025-01-31T16:45:00.000Z", "lastactiondate": "2025-01-31T16:45:00.000Z"},
  {"id": 5023, "client_id": 24, "site_id": 130, "user_id": 1045, "summary": "Final invoice query and data export", "status_id": 2, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-10T10:00:00.000Z", "lastactiondate": "2025-01-28T14:30:00.000Z"},
  {"id": 5024, "client_id": 25, "site_id": 131, "user_id": 1047, "summary": "Decommission tracking server", "status_id": 9, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2023-11-06T09:00:00.000Z", "lastactiondate": "2023-11-20T15:00:00.000Z"},
  {"id": 5025, "client_id": 27, "site_id": 133, "user_id": 1050, "summary": "Year-end: extra storage for client files", "status_id": 2, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-21T11:00:00.000Z", "lastactiondate": "2025-01-29T10:30:00.000Z"},
  {"id": 5026, "client_id": 29, "site_id": 135, "user_id": 1053, "summary": "Smartcard reader not detected", "status_id": 9, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2024-12-16T08:20:00.000Z", "lastactiondate": "2024-12-16T09:05:00.000Z"},
  {"id": 5027, "client_id": 30, "site_id": 137, "summary": "Site office broadband install", "status_id": 1, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-02-03T08:00:00.000Z", "lastactiondate": "2025-02-03T08:00:00.000Z"},
  {"id": 5028, "client_id": 32, "site_id": 139, "user_id": 1058, "summary": "SSO setup for CAD licensing portal", "status_id": 2, "tickettype_id": 3, "priority_id": 3, "dateoccurred": "2025-01-23T15:00:00.000Z", "lastactiondate": "2025-01-30T19:00:00.000Z"},
  {"id": 5029, "client_id": 35, "site_id": 142, "user_id": 1063, "summary": "Phishing email reported", "status_id": 9, "tickettype_id": 1, "priority_id": 2, "dateoccurred": "2024-12-09T10:00:00.000Z", "lastactiondate": "2024-12-09T10:45:00.000Z"},
  {"id": 5030, "client_id": 37, "site_id": 145, "user_id": 1065, "summary": "Quarterly security review", "status_id": 4, "tickettype_id": 3, "priority_id": 4, "dateoccurred": "2025-01-14T09:00:00.000Z", "lastactiondate": "2025-01-27T12:00:00.000Z"}
])json";

const char* const kContracts = R"json([
  {"id": 301, "client_id": 1, "site_id": 101, "ref": "ACME-MSA-2023", "note": "Managed Service Agreement - Gold", "start_date": "2023-04-01T00:00:00.000Z", "end_date": "2026-03-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 302, "client_id": 3, "site_id": 104, "ref": "SD-SUPPORT-2024", "note": "Practice IT Support - Silver", "start_date": "2024-01-01T00:00:00.000Z", "end_date": "2025-12-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 303, "client_id": 4, "site_id": 105, "ref": "SL-MSA-2022", "note": "Managed Service Agreement", "start_date": "2022-06-01T00:00:00.000Z", "end_date": "2025-05-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 304, "client_id": 5, "site_id": 107, "ref": "BWL-MS-2024", "note": "Managed Services - per device", "start_date": "2024-02-01T00:00:00.000Z", "end_date": "2027-01-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 305, "client_id": 7, "site_id": 110, "ref": "HHG-GROUP-2023", "note": "Group agreement covering Kingsway and Riverside", "start_date": "2023-09-01T00:00:00.000Z", "end_date": "2026-08-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 306, "client_id": 10, "site_id": 113, "ref": "NW-GROUP-MSA", "note": "Group Managed Service Agreement", "start_date": "2022-01-01T00:00:00.000Z", "end_date": "2025-12-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 307, "client_id": 11, "site_id": 114, "ref": "NWL-BLOCK-HOURS", "note": "Block hours - 40h", "start_date": "2024-04-01T00:00:00.000Z", "end_date": "2025-03-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 308, "client_id": 13, "site_id": 118, "ref": "CG-MSA-2024", "note": "Managed Service Agreement", "start_date": "2024-07-01T00:00:00.000Z", "end_date": "2027-06-30T00:00:00.000Z", "active": true, "expired": false},
  {"id": 309, "client_id": 16, "site_id": 121, "ref": "STM-EDU-2023", "note": "Education support - termly", "start_date": "2023-09-01T00:00:00.000Z", "end_date": "2026-08-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 310, "client_id": 18, "site_id": 124, "ref": "PMI-MS-2024", "note": "Managed Services - two plants", "start_date": "2024-03-01T00:00:00.000Z", "end_date": "2027-02-28T00:00:00.000Z", "active": true, "expired": false},
  {"id": 311, "client_id": 20, "site_id": 127, "ref": "PH-SUPPORT", "note": "Support and monitoring", "start_date": "2023-01-01T00:00:00.000Z", "end_date": "2025-12-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 312, "client_id": 24, "site_id": 130, "ref": "GP-BACKUP-2024", "note": "Offsite backup retention", "start_date": "2024-02-01T00:00:00.000Z", "end_date": "2026-01-31T00:00:00.000Z", "active": true, "expired": false},
  {"id": 313, "client_id": 25, "site_id": 131, "ref": "DF-BREAKFIX", "note": "Break-fix rates", "start_date": "2021-01-01T00:00:00.000Z", "end_date": "2023-12-31T00:00:00.000Z", "active": false, "expired": true},
  {"id": 314, "client_id": 35, "site_id": 142, "ref": "HM-MSA-2024", "note": "Managed Service Agreement - Gold", "start_date": "2024-05-01T00:00:00.000Z", "end_date": "2027-04-30T00:00:00.000Z", "active": true, "expired": false},
  {"id": 315, "client_id": 32, "site_id": 139, "ref": "COB-PILOT-2023", "note": "Pilot support (ended)", "start_date": "2023-03-01T00:00:00.000Z", "end_date": "2023-08-31T00:00:00.000Z", "active": false, "expired": true}
])json";

}  // namespace sandbox::seed_book
