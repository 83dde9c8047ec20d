// The demo client book the sandbox is seeded with (raw JSON, one array per record type). See seed_book.cpp.
#pragma once

namespace sandbox::seed_book {

extern const char* const kTopLevels;
extern const char* const kCustomerTypes;  // the client types (the client-type lookup table)
extern const char* const kClients;
extern const char* const kSites;
extern const char* const kUsers;
extern const char* const kTickets;
extern const char* const kContracts;

}  // namespace sandbox::seed_book
