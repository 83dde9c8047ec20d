// Linked into the portable binary only (Portable.cmake). It is built against glibc 2.31, but Debian 12's static
// libstdc++.a and libgcc_eh.a were compiled against glibc 2.36 and refer to three things that appeared later:
// __libc_single_threaded (2.32), _dl_find_object (2.35) and arc4random (2.36). Defining them here keeps the floor
// at 2.31. On a newer glibc these definitions take precedence for this binary's own code, which stays correct:
// see each.
#include <link.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace {

// glibc 2.35's struct dl_find_object on x86-64 and aarch64 (no dlfo_eh_dbase / dlfo_eh_count there).
struct DlFindObject {
  unsigned long long flags;
  void* map_start;
  void* map_end;
  struct link_map* link_map;
  void* eh_frame;
  unsigned long long reserved[7];
};
static_assert(sizeof(void*) == 8, "the layout above is that of the 64-bit targets");

struct Lookup {
  std::uintptr_t pc;
  DlFindObject* out;
  bool found;
};

int find_in(dl_phdr_info* info, std::size_t, void* data) {
  auto& lookup = *static_cast<Lookup*>(data);
  std::uintptr_t low = UINTPTR_MAX, high = 0;
  bool contains = false;
  const ElfW(Phdr)* eh_frame = nullptr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD) {
      const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr, end = start + ph.p_memsz;
      low = std::min(low, start);
      high = std::max(high, end);
      contains = contains || (lookup.pc >= start && lookup.pc < end);
    } else if (ph.p_type == PT_GNU_EH_FRAME) {
      eh_frame = &ph;
    }
  }
  if (!contains) return 0;
  *lookup.out = DlFindObject{};
  lookup.out->map_start = reinterpret_cast<void*>(low);
  lookup.out->map_end = reinterpret_cast<void*>(high);
  lookup.out->eh_frame = eh_frame ? reinterpret_cast<void*>(info->dlpi_addr + eh_frame->p_vaddr) : nullptr;
  lookup.found = true;
  return 1;
}

}  // namespace

extern "C" {

// libstdc++ skips atomic reference counting while this is non-zero. Zero means "maybe several threads": always
// the safe answer (this server runs several threads anyway).
char __libc_single_threaded = 0;

// How the unwinder (every C++ exception) finds the unwind tables of the code that threw: the loaded object whose
// segments hold `pc`, and its PT_GNU_EH_FRAME. The same walk over dl_iterate_phdr that libgcc did before 2.35.
int _dl_find_object(void* pc, DlFindObject* result) {
  Lookup lookup{reinterpret_cast<std::uintptr_t>(pc), result, false};
  dl_iterate_phdr(find_in, &lookup);
  return lookup.found ? 0 : -1;
}

// std::random_device's default source in libstdc++ 12: 32 bits from the kernel's CSPRNG, as glibc's own does.
std::uint32_t arc4random() {
  std::uint32_t value;
  for (;;) {
    const ssize_t n = getrandom(&value, sizeof value, 0);
    if (n == static_cast<ssize_t>(sizeof value)) return value;
    if (n < 0 && errno != EINTR) std::abort();  // no getrandom (Linux < 3.17): no safe randomness to give
  }
}

}  // extern "C"
