// selector/uid-list on .npy files in DataComp's layout: written byte by byte here (the format
// as specified) and by NumPy itself, exactly as datacomp's baselines write them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "error_text.hpp"
#include "npy_uid_file.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/selector.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

std::string random_uid(std::mt19937_64& rng) {
  static const char* hex = "0123456789abcdef";
  std::string uid(32, '0');
  for (char& c : uid) c = hex[rng() % 16];
  return uid;
}

std::vector<SelectionRecord> records_of(const std::vector<std::string>& uids) {
  std::vector<SelectionRecord> records;
  for (const auto& u : uids) records.push_back({u, "shard-0", "", {}});
  return records;
}

std::vector<Verdict> select(Selector& selector, const std::vector<SelectionRecord>& records) {
  std::vector<Verdict> verdicts(records.size());
  selector.select(records, verdicts);
  return verdicts;
}

class UidListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(11);
    for (int i = 0; i < 2000; ++i) all_.push_back(random_uid(rng));
    for (size_t i = 0; i < all_.size(); i += 3) listed_.push_back(all_[i]);
    dir_ = fresh_dir(std::string("uid_list/") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  // Keeps exactly the listed uids; the others get the reason naming the file.
  void expect_selects_listed(const fs::path& npy) {
    ComponentMaker maker;
    auto selector = maker.make<Selector>("use = \"selector/uid-list\"\npath = \"" + npy.string() + "\"");
    const auto records = records_of(all_);
    const auto verdicts = select(*selector, records);
    const std::set<std::string> listed(listed_.begin(), listed_.end());
    size_t kept = 0;
    for (size_t i = 0; i < all_.size(); ++i) {
      EXPECT_EQ(verdicts[i].keep, listed.contains(all_[i])) << all_[i];
      if (!verdicts[i].keep) {
        EXPECT_EQ(verdicts[i].reason, "uid not in " + npy.filename().string());
      }
      kept += verdicts[i].keep;
    }
    EXPECT_EQ(kept, listed.size());
  }

  std::vector<std::string> all_, listed_;
  fs::path dir_;
};

TEST_F(UidListTest, StructuredPairsSelectExactlyTheListedUids) {
  const fs::path npy = dir_ / "dfn_subset.npy";
  write_npy_uids(npy, listed_, "[('f0', '<u8'), ('f1', '<u8')]", "(" + std::to_string(listed_.size()) + ",)");
  expect_selects_listed(npy);
}

TEST_F(UidListTest, TwoColumnUint64ArraySelectsTheSame) {
  const fs::path npy = dir_ / "pairs.npy";
  write_npy_uids(npy, listed_, "'<u8'", "(" + std::to_string(listed_.size()) + ", 2)");
  expect_selects_listed(npy);
}

TEST_F(UidListTest, UnsortedFileIsSortedInMemory) {
  const fs::path npy = dir_ / "unsorted.npy";
  write_npy_uids(npy, listed_, "[('f0', '<u8'), ('f1', '<u8')]", "(" + std::to_string(listed_.size()) + ",)", false);
  expect_selects_listed(npy);
}

TEST_F(UidListTest, FileWrittenByNumpyAsDatacompDoes) {
  if (run_command({"/usr/bin/python3", "-c", "import numpy"}).exit_code != 0)
    GTEST_SKIP() << "Debian's python3-numpy is not installed (scripts/setup.sh installs it)";
  const fs::path uids_txt = dir_ / "uids.txt";
  std::string text;
  for (const auto& u : listed_) text += u + "\n";
  write_text(uids_txt, text);
  const fs::path npy = dir_ / "numpy.npy";
  const std::string script =
      "import numpy as np, sys\n"
      "uids = open(sys.argv[1]).read().split()\n"
      "a = np.array([(int(u[:16], 16), int(u[16:32], 16)) for u in uids], np.dtype('u8,u8'))\n"
      "a.sort()\n"
      "np.save(sys.argv[2], a)\n";
  write_text(dir_ / "write.py", script);
  const auto r = run_command({"/usr/bin/python3", (dir_ / "write.py").string(), uids_txt.string(), npy.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_selects_listed(npy);
}

TEST_F(UidListTest, KeepFalseMakesABlockList) {
  const fs::path npy = dir_ / "block.npy";
  write_npy_uids(npy, listed_, "[('f0', '<u8'), ('f1', '<u8')]", "(" + std::to_string(listed_.size()) + ",)");
  ComponentMaker maker;
  auto selector = maker.make<Selector>("use = \"selector/uid-list\"\npath = \"" + npy.string() + "\"\nkeep = false");
  const auto verdicts = select(*selector, records_of({listed_[0], all_[1], "not-a-uid"}));
  EXPECT_FALSE(verdicts[0].keep);
  EXPECT_EQ(verdicts[0].reason, "uid in block.npy");
  EXPECT_TRUE(verdicts[1].keep);
  EXPECT_TRUE(verdicts[2].keep);
}

TEST_F(UidListTest, UidsThatAreNot32HexDigitsAreDroppedWithTheirReason) {
  const fs::path npy = dir_ / "list.npy";
  write_npy_uids(npy, listed_, "[('f0', '<u8'), ('f1', '<u8')]", "(" + std::to_string(listed_.size()) + ",)");
  ComponentMaker maker;
  auto selector = maker.make<Selector>("use = \"selector/uid-list\"\npath = \"" + npy.string() + "\"");
  std::string upper = listed_[0];
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  const auto verdicts = select(*selector, records_of({upper, "xyz", listed_[0] + "0"}));
  EXPECT_TRUE(verdicts[0].keep);
  EXPECT_EQ(verdicts[1].reason, "uid is not 32 hex digits");
  EXPECT_EQ(verdicts[2].reason, "uid is not 32 hex digits");
}

TEST_F(UidListTest, BadFilesAreRefusedWithTheirPath) {
  ComponentMaker maker;
  const auto make = [&](const fs::path& p) {
    return error_of([&] { maker.make<Selector>("use = \"selector/uid-list\"\npath = \"" + p.string() + "\""); });
  };
  const fs::path wrong_dtype = dir_ / "float.npy";
  write_npy_uids(wrong_dtype, listed_, "'<f8'", "(" + std::to_string(listed_.size()) + ",)");
  EXPECT_NE(make(wrong_dtype).find("float.npy: dtype '<f8'"), std::string::npos) << make(wrong_dtype);

  const fs::path short_data = dir_ / "short.npy";
  write_npy_uids(short_data, listed_, "[('f0', '<u8'), ('f1', '<u8')]", "(" + std::to_string(listed_.size() + 5) + ",)");
  EXPECT_NE(make(short_data).find("truncated"), std::string::npos) << make(short_data);

  write_text(dir_ / "text.npy", "uid,score\n0123456789abcdef,0.5\n");
  EXPECT_NE(make(dir_ / "text.npy").find("not a .npy file"), std::string::npos) << make(dir_ / "text.npy");
  EXPECT_NE(make(dir_ / "absent.npy").find("absent.npy"), std::string::npos);
}

}  // namespace
}  // namespace vlforge::test
