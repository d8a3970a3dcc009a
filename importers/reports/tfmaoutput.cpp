// SPDX-License-Identifier: MIT
#include "tfmaoutput.h"

#include "common/paths.h"
#include "tensorboard/tfrecordreader.h"
#include "wandb/protowire.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <system_error>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

using wandb::ProtoReader;

double asDouble(std::uint64_t bits) {
    return std::bit_cast<double>(bits);
}

float asFloat(std::uint64_t bits) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
}

// SliceKey { repeated SingleSliceKey slice_keys = 1 { column = 1; bytes_value = 2 | int64_value = 3 |
// float_value = 4 } } as "country=Spain&age=30"; empty for the overall slice.
std::string sliceLabel(std::string_view sliceKey) {
    std::string label;
    ProtoReader keys(sliceKey);
    while (keys.next()) {
        if (keys.field() != 1)
            continue;
        ProtoReader single(keys.bytes());
        std::string column;
        std::string value;
        while (single.next()) {
            switch (single.field()) {
            case 1:
                column = std::string(single.bytes());
                break;
            case 2:
                value = std::string(single.bytes());
                break;
            case 3:
                value = std::to_string(single.int64());
                break;
            case 4:
                value = std::to_string(asFloat(single.fixed()));
                break;
            default:
                break;
            }
        }
        label += (label.empty() ? "" : "&") + column + "=" + value;
    }
    return label;
}

// MetricValue { DoubleValue double_value = 1 { double value = 1 } }; nullopt for the other kinds (plots, arrays).
std::optional<double> metricValue(std::string_view value) {
    ProtoReader r(value);
    while (r.next()) {
        if (r.field() != 1 || r.wireType() != ProtoReader::lengthDelimited)
            continue;
        ProtoReader wrapper(r.bytes());
        double v = 0;  // a DoubleValue of 0 has no field at all
        while (wrapper.next())
            if (wrapper.field() == 1 && wrapper.wireType() == ProtoReader::fixed64Type)
                v = asDouble(wrapper.fixed());
        return v;
    }
    return std::nullopt;
}

// Hands every record of a TFRecord file to decode, which returns what is wrong with a record it cannot read
// (empty when it read it). A damaged frame or record fails with the file and the record's byte offset.
template <typename Decode> Status forEachRecord(const fs::path& file, Decode decode) {
    tensorboard::TfRecordReader reader(file);
    for (;;) {
        const auto next = reader.next();
        if (next == tensorboard::TfRecordReader::Next::end)
            return {};
        auto failure = [&](std::string_view problem) {
            return Error{displayPath(file), "offset " + std::to_string(reader.offset()), std::string(problem)};
        };
        if (next != tensorboard::TfRecordReader::Next::record)
            return failure(reader.problem());
        if (const std::string_view problem = decode(reader.record()); !problem.empty())
            return failure(problem);
    }
}

Status readMetrics(const fs::path& file, TfmaResults& out) {
    return forEachRecord(file, [&](std::string_view record) -> std::string_view {
        ProtoReader slice(record);
        std::string label;
        std::vector<std::pair<std::string, double>> values;
        while (slice.next()) {
            if (slice.wireType() != ProtoReader::lengthDelimited)
                continue;
            if (slice.field() == 1) {
                label = sliceLabel(slice.bytes());
            } else if (slice.field() == 51 || slice.field() == 2) {
                // metric_keys_and_values { MetricKey key = 1 { name = 1 }; MetricValue value = 2 }, or the older
                // map<string, MetricValue> metrics = 2 whose entries are { key = 1; value = 2 }.
                ProtoReader entry(slice.bytes());
                std::string name;
                std::optional<double> value;
                while (entry.next()) {
                    if (entry.field() == 1 && slice.field() == 2) {
                        name = std::string(entry.bytes());
                    } else if (entry.field() == 1) {
                        ProtoReader key(entry.bytes());
                        while (key.next())
                            if (key.field() == 1)
                                name = std::string(key.bytes());
                    } else if (entry.field() == 2) {
                        value = metricValue(entry.bytes());
                    }
                }
                if (!name.empty() && value)
                    values.emplace_back(name, *value);
            }
        }
        if (slice.failed())
            return "not a TFMA MetricsForSlice record";
        for (const auto& [name, value] : values)
            out.metrics.emplace_back(label.empty() ? name : name + "/" + label, value);
        return {};
    });
}

Status readValidations(const fs::path& file, TfmaResults& out) {
    return forEachRecord(file, [&](std::string_view record) -> std::string_view {
        ProtoReader result(record);
        bool ok = false;  // proto3 leaves a false validation_ok out
        while (result.next())
            if (result.field() == 1 && result.wireType() == ProtoReader::varintType)
                ok = result.varint() != 0;
        if (result.failed())
            return "not a TFMA ValidationResult record";
        out.validationOk = out.validationOk.value_or(true) && ok;
        return {};
    });
}

}  // namespace

Result<TfmaResults> readTfmaEvaluation(const fs::path& evaluationDir) {
    TfmaResults out;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(evaluationDir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec))
            files.push_back(it->path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        const std::string name = file.filename().string();
        if (name.starts_with("metrics")) {
            if (Status s = readMetrics(file, out); !s)
                return s.error();
        } else if (name.starts_with("validations")) {
            if (Status s = readValidations(file, out); !s)
                return s.error();
        }
    }
    return out;
}

Result<TfdvSplitSize> readTfdvSplitSize(const fs::path& statsFile) {
    TfdvSplitSize size;
    const Status read = forEachRecord(statsFile, [&](std::string_view record) -> std::string_view {
        ProtoReader list(record);
        while (list.next()) {
            if (list.field() != 1 || list.wireType() != ProtoReader::lengthDelimited)
                continue;
            ProtoReader dataset(list.bytes());
            while (dataset.next()) {
                if (dataset.field() == 2 && dataset.wireType() == ProtoReader::varintType)
                    size.examples += static_cast<double>(dataset.varint());
                else if (dataset.field() == 3 && dataset.wireType() == ProtoReader::lengthDelimited)
                    size.features += 1;
            }
            if (dataset.failed())
                return "not a TFDV DatasetFeatureStatistics record";
        }
        if (list.failed())
            return "not a TFDV DatasetFeatureStatisticsList record";
        return {};
    });
    if (!read)
        return read.error();
    return size;
}

}  // namespace runlens::importers
