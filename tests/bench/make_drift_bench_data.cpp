// SPDX-License-Identifier: MIT
// Writes the drift benchmark's pair of CSV files: ROWS rows x 100 columns (80 numeric with four decimals, 15
// categorical, 5 binary), seeded; the current file shifts a tenth of the columns.
//   make_drift_bench_data OUT_DIR [ROWS]
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

namespace {

constexpr int numericColumns = 80;
constexpr int categoricalColumns = 15;
constexpr int binaryColumns = 5;

bool writeFile(const std::filesystem::path& path, long rows, bool current, std::uint64_t seed) {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (!out)
        return false;
    std::string line;
    for (int c = 0; c < numericColumns; ++c)
        line += "num_" + std::to_string(c) + ",";
    for (int c = 0; c < categoricalColumns; ++c)
        line += "cat_" + std::to_string(c) + ",";
    for (int c = 0; c < binaryColumns; ++c)
        line += "flag_" + std::to_string(c) + (c + 1 < binaryColumns ? "," : "\n");
    std::fputs(line.c_str(), out);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    static constexpr std::array<const char*, 12> words = {"alpha", "bravo", "charlie", "delta",  "echo", "foxtrot",
                                                          "golf",  "hotel", "india",   "juliet", "kilo", "lima"};
    char buffer[64];
    for (long r = 0; r < rows; ++r) {
        line.clear();
        for (int c = 0; c < numericColumns; ++c) {
            const bool shifted = current && c % 10 == 0;
            const double value = (c % 7 + 1) * normal(rng) + c + (shifted ? 0.3 : 0.0);
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 4);
            line.append(buffer, end);
            line += ',';
        }
        for (int c = 0; c < categoricalColumns; ++c) {
            const double u = uniform(rng);
            const bool shifted = current && c % 5 == 0;
            const auto index = static_cast<std::size_t>(shifted ? u * u * words.size() : u * words.size());
            line += words[index];
            line += ',';
        }
        for (int c = 0; c < binaryColumns; ++c) {
            line += uniform(rng) < (current && c == 0 ? 0.35 : 0.3) ? "yes" : "no";
            line += c + 1 < binaryColumns ? ',' : '\n';
        }
        std::fwrite(line.data(), 1, line.size(), out);
    }
    return std::fclose(out) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: make_drift_bench_data OUT_DIR [ROWS]\n");
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const long rows = argc > 2 ? std::stol(argv[2]) : 1000000;
    std::filesystem::create_directories(dir);
    if (!writeFile(dir / "reference.csv", rows, false, 1) || !writeFile(dir / "current.csv", rows, true, 2)) {
        std::fprintf(stderr, "make_drift_bench_data: cannot write into %s\n", dir.c_str());
        return 1;
    }
    return 0;
}
