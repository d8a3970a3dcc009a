// SPDX-License-Identifier: MIT
#include "tensorboardimporter.h"

#include "common/paths.h"
#include "lightning/hparamsyaml.h"
#include "proto/tbevents.pb.h"
#include "tensorboard/tfrecordreader.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <system_error>
#include <unordered_map>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

constexpr int sniffDepth = 4;
constexpr std::size_t sniffEntryLimit = 20000;
constexpr std::int64_t progressEveryBytes = std::int64_t{4} << 20;

// TensorFlow DataType numbers (formats.md 3.5) for the dtypes a scalar can have.
enum DataType : int {
    dtFloat = 1,
    dtDouble = 2,
    dtInt32 = 3,
    dtUint8 = 4,
    dtInt16 = 5,
    dtInt8 = 6,
    dtInt64 = 9,
    dtBool = 10,
    dtBfloat16 = 14,
    dtHalf = 19,
    dtUint32 = 22,
    dtUint64 = 23,
};

bool isEventFileName(const fs::path& p) {
    return p.filename().native().find("tfevents") != std::string::npos;
}

std::string readPrefix(const fs::path& file, std::size_t n) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes(n, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(n));
    bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return bytes;
}

struct RunDir {
    std::string relative;         // "." for the log root itself
    fs::path dir;                 // where hparams.yaml would be
    std::vector<fs::path> files;  // event files in filename order
};

// Every folder below root that directly holds event files; a single file is a run of its own folder.
std::vector<RunDir> discoverRuns(const fs::path& root) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec))
        return {RunDir{".", root.parent_path(), {root}}};
    std::map<std::string, RunDir> runs;
    auto consider = [&](const fs::path& file) {
        const fs::path parent = file.parent_path();
        std::string relative = parent.lexically_relative(root).generic_string();
        if (relative.empty())
            relative = ".";
        auto& run = runs[relative];
        run.relative = relative;
        run.dir = parent;
        run.files.push_back(file);
    };
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (isHidden(it->path())) {
            if (it->is_directory(ec))
                it.disable_recursion_pending();
            continue;
        }
        std::error_code typeError;
        if (it->is_regular_file(typeError) && isEventFileName(it->path()))
            consider(it->path());
    }
    std::vector<RunDir> out;
    out.reserve(runs.size());
    for (auto& [name, run] : runs) {
        std::sort(run.files.begin(), run.files.end(),
                  [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
        out.push_back(std::move(run));
    }
    return out;
}

bool hasEventFilesBelow(const fs::path& dir, int depth, std::size_t& budget) {
    std::error_code ec;
    std::vector<fs::path> subdirs;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget == 0)
            return false;
        --budget;
        if (isHidden(it->path()))
            continue;
        std::error_code typeError;
        if (it->is_regular_file(typeError) && isEventFileName(it->path()))
            return true;
        if (it->is_directory(typeError) && !it->is_symlink(typeError))
            subdirs.push_back(it->path());
    }
    if (depth <= 0)
        return false;
    for (const auto& sub : subdirs)
        if (hasEventFilesBelow(sub, depth - 1, budget))
            return true;
    return false;
}

std::string runFingerprint(const RunDir& run) {
    Fingerprint fp;
    for (const auto& file : run.files)
        fp.addFileStat(file, file.filename().string());
    std::error_code ec;
    if (fs::is_regular_file(run.dir / "hparams.yaml", ec))
        fp.addFileStat(run.dir / "hparams.yaml", "hparams.yaml");
    return fp.hex();
}

std::string numberText(double v) {
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

std::string valueText(const google::protobuf::Value& v) {
    switch (v.kind_case()) {
    case google::protobuf::Value::kNumberValue:
        return numberText(v.number_value());
    case google::protobuf::Value::kStringValue:
        return v.string_value();
    case google::protobuf::Value::kBoolValue:
        return v.bool_value() ? "true" : "false";
    case google::protobuf::Value::kNullValue:
        return "null";
    default: {
        std::string json;
        if (!google::protobuf::util::MessageToJsonString(v, &json).ok())
            return {};
        return json;
    }
    }
}

template <typename T> T readLe(const std::string& bytes) {
    T v{};
    std::memcpy(&v, bytes.data(), sizeof(T));  // x86-64 and aarch64 are little-endian, as the format is
    return v;
}

double halfToDouble(std::uint16_t h) {
    const int exponent = (h >> 10) & 0x1F;
    const int mantissa = h & 0x3FF;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0)
        return sign * std::ldexp(mantissa, -24);
    if (exponent == 31)
        return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
    return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

// The value of a rank-0 numeric tensor: tensor_content or element 0 of the typed list (formats.md 3.5).
std::optional<double> scalarOfTensor(const tb::Tensor& t) {
    for (const auto& dim : t.tensor_shape().dim())
        if (dim.size() != 1)
            return std::nullopt;
    const std::string& content = t.tensor_content();
    auto fromContent = [&](auto tag) -> std::optional<double> {
        using T = decltype(tag);
        if (content.size() < sizeof(T))
            return std::nullopt;
        return static_cast<double>(readLe<T>(content));
    };
    switch (t.dtype()) {
    case dtFloat:
        if (!content.empty())
            return fromContent(float{});
        if (t.float_val_size() > 0)
            return static_cast<double>(t.float_val(0));
        return std::nullopt;
    case dtDouble:
        if (!content.empty())
            return fromContent(double{});
        if (t.double_val_size() > 0)
            return t.double_val(0);
        return std::nullopt;
    case dtHalf:
    case dtBfloat16: {
        std::uint16_t bits = 0;
        if (content.size() >= 2)
            bits = readLe<std::uint16_t>(content);
        else if (t.half_val_size() > 0)
            bits = static_cast<std::uint16_t>(t.half_val(0));
        else
            return std::nullopt;
        if (t.dtype() == dtHalf)
            return halfToDouble(bits);
        return static_cast<double>(std::bit_cast<float>(std::uint32_t{bits} << 16));
    }
    case dtInt32:
    case dtInt16:
    case dtInt8:
    case dtUint8:
        if (!content.empty()) {
            if (t.dtype() == dtInt32)
                return fromContent(std::int32_t{});
            if (t.dtype() == dtInt16)
                return fromContent(std::int16_t{});
            if (t.dtype() == dtInt8)
                return fromContent(std::int8_t{});
            return fromContent(std::uint8_t{});
        }
        if (t.int_val_size() > 0)
            return static_cast<double>(t.int_val(0));
        return std::nullopt;
    case dtInt64:
        if (!content.empty())
            return fromContent(std::int64_t{});
        if (t.int64_val_size() > 0)
            return static_cast<double>(t.int64_val(0));
        return std::nullopt;
    case dtUint32:
        if (!content.empty())
            return fromContent(std::uint32_t{});
        if (t.uint32_val_size() > 0)
            return static_cast<double>(t.uint32_val(0));
        return std::nullopt;
    case dtUint64:
        if (!content.empty())
            return fromContent(std::uint64_t{});
        if (t.uint64_val_size() > 0)
            return static_cast<double>(t.uint64_val(0));
        return std::nullopt;
    case dtBool:
        if (!content.empty())
            return content[0] ? 1.0 : 0.0;
        if (t.bool_val_size() > 0)
            return t.bool_val(0) ? 1.0 : 0.0;
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

struct TimedPoint {
    std::int64_t step;
    double wallTime;
    double value;
};

// One run's state while its files are read, mirroring TensorBoard's EventAccumulator (purge on by default).
class RunState {
public:
    std::map<std::string, std::vector<TimedPoint>> series;
    std::unordered_map<std::string, std::string> pluginByTag;  // metadata may come only with a tag's first value
    std::map<std::string, std::string> params;
    std::vector<std::string> metricDeclarations;
    std::string groupName;
    std::optional<int> endStatus;
    double minWall = std::numeric_limits<double>::infinity();
    double maxWall = -std::numeric_limits<double>::infinity();
    std::int64_t purged = 0;

    Status event(const tb::Event& e, const fs::path& file, std::int64_t offset);

private:
    void purgeAll(std::int64_t step);
    void purgeTags(const tb::Summary& summary, std::int64_t step);

    double m_fileVersion = 0;
    std::int64_t m_mostRecentStep = -1;
};

void RunState::purgeAll(std::int64_t step) {
    for (auto& [tag, points] : series) {
        const auto before = points.size();
        std::erase_if(points, [step](const TimedPoint& p) { return p.step >= step; });
        purged += static_cast<std::int64_t>(before - points.size());
    }
}

void RunState::purgeTags(const tb::Summary& summary, std::int64_t step) {
    for (const auto& value : summary.value()) {
        auto it = series.find(value.tag());
        if (it == series.end())
            continue;
        const auto before = it->second.size();
        std::erase_if(it->second, [step](const TimedPoint& p) { return p.step >= step; });
        purged += static_cast<std::int64_t>(before - it->second.size());
    }
}

Status RunState::event(const tb::Event& e, const fs::path& file, std::int64_t offset) {
    if (e.wall_time() > 0 && std::isfinite(e.wall_time())) {
        minWall = std::min(minWall, e.wall_time());
        maxWall = std::max(maxWall, e.wall_time());
    }
    if (e.what_case() == tb::Event::kFileVersion) {
        // "brain.Event:2": the number after the colon.
        const std::string& text = e.file_version();
        const auto colon = text.rfind(':');
        double version = 0;
        if (colon != std::string::npos)
            std::from_chars(text.data() + colon + 1, text.data() + text.size(), version);
        m_fileVersion = version;
    }
    // TensorBoard's rule for restarts: with file version 2 a SessionLog.START drops every point at or after its
    // step; older files drop a tag's points at or after a step that goes backwards.
    const bool hasSummary = e.what_case() == tb::Event::kSummary;
    if (m_fileVersion >= 2) {
        if (e.what_case() == tb::Event::kSessionLog && e.session_log().status() == tb::SessionLog::START)
            purgeAll(e.step());
    } else if (hasSummary && e.step() < m_mostRecentStep) {
        purgeTags(e.summary(), e.step());
    }
    if (!hasSummary)
        return {};
    m_mostRecentStep = e.step();

    for (const auto& value : e.summary().value()) {
        const std::string& tag = value.tag();
        if (value.has_metadata()) {
            auto [it, inserted] = pluginByTag.try_emplace(tag, value.metadata().plugin_data().plugin_name());
            (void)it;
            if (value.metadata().plugin_data().plugin_name() == "hparams") {
                tb::HParamsPluginData data;
                if (!data.ParseFromString(value.metadata().plugin_data().content()))
                    return Error{displayPath(file), "offset " + std::to_string(offset),
                                 "the hparams summary '" + tag + "' cannot be decoded"};
                if (data.has_session_start_info()) {
                    const auto& start = data.session_start_info();
                    for (const auto& [key, v] : start.hparams())
                        params[key] = valueText(v);
                    if (!start.group_name().empty())
                        groupName = start.group_name();
                } else if (data.has_session_end_info()) {
                    endStatus = static_cast<int>(data.session_end_info().status());
                } else if (data.has_experiment()) {
                    for (const auto& m : data.experiment().metric_infos()) {
                        std::string name =
                            m.name().group().empty() ? m.name().tag() : m.name().group() + "/" + m.name().tag();
                        if (std::find(metricDeclarations.begin(), metricDeclarations.end(), name) ==
                            metricDeclarations.end())
                            metricDeclarations.push_back(std::move(name));
                    }
                }
                continue;
            }
        }
        std::optional<double> scalar;
        if (value.value_case() == tb::SummaryValue::kSimpleValue) {
            scalar = static_cast<double>(value.simple_value());
        } else if (value.value_case() == tb::SummaryValue::kTensor) {
            auto it = pluginByTag.find(tag);
            if (it != pluginByTag.end() && it->second == "scalars")
                scalar = scalarOfTensor(value.tensor());
        }
        if (scalar)
            series[tag].push_back({e.step(), e.wall_time(), *scalar});
    }
    return {};
}

class Reader {
public:
    Reader(fs::path root, ImportSink& sink, ImportObserver& observer, RunOptions options)
        : m_root(std::move(root)), m_sink(sink), m_observer(observer), m_options(options) {}

    Result<Outcome> run();

private:
    Result<Outcome> readRun(const RunDir& run, const std::string& experimentId, const std::string& fingerprint);
    bool tick(std::int64_t bytes, bool force = false);

    fs::path m_root;
    ImportSink& m_sink;
    ImportObserver& m_observer;
    RunOptions m_options;
    std::int64_t m_bytesDone = 0;
    std::int64_t m_bytesTotal = 0;
    std::int64_t m_lastReported = -1;
};

bool Reader::tick(std::int64_t bytes, bool force) {
    m_bytesDone += bytes;
    if (!force && m_bytesDone - m_lastReported < progressEveryBytes)
        return true;
    m_lastReported = m_bytesDone;
    return m_observer.progress("reading event files", m_bytesDone, m_bytesTotal);
}

Result<Outcome> Reader::run() {
    std::error_code ec;
    const bool singleFile = fs::is_regular_file(m_root, ec);
    const auto runs = discoverRuns(m_root);
    if (singleFile && fs::file_size(m_root, ec) == 0 && !ec)
        return Error{displayPath(m_root), {}, "the file is empty; expected TensorBoard event records"};
    if (runs.empty())
        return Error{displayPath(m_root), {}, "no TensorBoard event files (names containing 'tfevents') found"};
    for (const auto& run : runs)
        for (const auto& file : run.files)
            m_bytesTotal += static_cast<std::int64_t>(fs::file_size(file, ec));

    const fs::path logRoot = singleFile ? m_root.parent_path() : m_root;
    ExperimentRecord experiment;
    experiment.name = logRoot.filename().string();
    if (experiment.name.empty())
        experiment.name = displayPath(logRoot);
    experiment.externalId = experiment.name;
    m_sink.experiment(experiment);

    if (!tick(0, true))
        return Outcome::cancelled;
    for (const auto& run : runs) {
        const std::string fingerprint = runFingerprint(run);
        if (m_sink.runUnchanged(run.relative, fingerprint)) {
            for (const auto& file : run.files)
                m_bytesDone += static_cast<std::int64_t>(fs::file_size(file, ec));
            continue;
        }
        auto outcome = readRun(run, experiment.externalId, fingerprint);
        if (!outcome || *outcome == Outcome::cancelled)
            return outcome;
    }
    if (!tick(0, true))
        return Outcome::cancelled;
    return Outcome::completed;
}

Result<Outcome> Reader::readRun(const RunDir& run, const std::string& experimentId, const std::string& fingerprint) {
    RunState state;
    tb::Event event;
    for (const auto& file : run.files) {
        tensorboard::TfRecordReader reader(file);
        std::int64_t consumed = 0;
        for (;;) {
            const auto next = reader.next();
            if (next == tensorboard::TfRecordReader::Next::end)
                break;
            // Built only when a message needs it: this loop runs once per record.
            const auto position = [&reader] {
                return "offset " + std::to_string(reader.offset());
            };
            if (next == tensorboard::TfRecordReader::Next::failed)
                return Error{displayPath(file), {}, reader.problem()};
            if (next == tensorboard::TfRecordReader::Next::truncated) {
                m_observer.warning({displayPath(file), position(),
                                    reader.problem() + "; the file may still be written, imported the " +
                                        std::to_string(reader.recordCount()) + " complete records before it"});
                break;
            }
            if (next == tensorboard::TfRecordReader::Next::corrupt) {
                if (!m_options.lenient)
                    return Error{displayPath(file), position(),
                                 reader.problem() + "; the source was not imported (a lenient import keeps the " +
                                     std::to_string(reader.recordCount()) + " records before the damage)"};
                m_observer.warning({displayPath(file), position(),
                                    reader.problem() + "; lenient import kept the " +
                                        std::to_string(reader.recordCount()) + " records before it"});
                break;
            }
            if (!event.ParseFromArray(reader.record().data(), static_cast<int>(reader.record().size()))) {
                // The checksum holds, so the writer produced these bytes: not an Event at all.
                if (!m_options.lenient)
                    return Error{displayPath(file), position(), "the record is not a TensorBoard Event"};
                m_observer.warning({displayPath(file), position(), "skipped a record that is not a TensorBoard Event"});
                continue;
            }
            if (Status s = state.event(event, file, reader.offset()); !s)
                return s.error();
            const std::int64_t now = reader.bytesRead();
            if (!tick(now - consumed))
                return Outcome::cancelled;
            consumed = now;
        }
        tick(reader.fileSize() - consumed);
    }

    // hparams.yaml (Lightning) first; the hparams plugin's values win where both name a key.
    std::map<std::string, std::string> params;
    std::error_code ec;
    if (fs::is_regular_file(run.dir / "hparams.yaml", ec)) {
        std::optional<Error> fallback;
        auto yaml = lightning::readHparamsYaml(run.dir / "hparams.yaml", &fallback);
        if (!yaml)
            return yaml.error();
        if (fallback)
            m_observer.warning(*fallback);
        for (auto& [key, value] : *yaml)
            params[key] = std::move(value);
    }
    for (auto& [key, value] : state.params)
        params[key] = std::move(value);

    RunRecord record;
    record.externalId = run.relative;
    record.experimentExternalId = experimentId;
    record.name = run.relative == "." ? run.dir.filename().string() : run.relative;
    record.fingerprint = fingerprint;
    record.sourceName = displayPath(run.dir);
    if (std::isfinite(state.minWall)) {
        record.startMs = static_cast<std::int64_t>(std::floor(state.minWall * 1000.0));
        record.endMs = static_cast<std::int64_t>(std::floor(state.maxWall * 1000.0));
    }
    if (state.endStatus) {
        switch (*state.endStatus) {
        case tb::SessionEndInfo::STATUS_SUCCESS:
            record.status = run_status::finished;
            break;
        case tb::SessionEndInfo::STATUS_FAILURE:
            record.status = run_status::failed;
            break;
        case tb::SessionEndInfo::STATUS_RUNNING:
            record.status = run_status::running;
            break;
        default:
            break;
        }
    }

    m_sink.beginRun(record);
    for (const auto& [key, value] : params)
        m_sink.param(key, isValidUtf8(value) ? value : escapeInvalidUtf8(value));
    if (!state.groupName.empty())
        m_sink.tag("tensorboard.hparams.group", state.groupName);
    if (!state.metricDeclarations.empty()) {
        std::string joined;
        for (const auto& name : state.metricDeclarations)
            joined += (joined.empty() ? "" : "\n") + name;
        m_sink.tag("tensorboard.hparams.metrics", joined);
    }
    for (auto& [tag, points] : state.series) {
        std::vector<MetricPoint> out;
        out.reserve(points.size());
        for (const auto& p : points)
            out.push_back({p.step, p.wallTime * 1000.0, p.value});
        m_sink.metricSeries(isValidUtf8(tag) ? tag : escapeInvalidUtf8(tag), std::move(out));
    }
    m_sink.endRun();
    return Outcome::completed;
}

}  // namespace

std::string_view TensorBoardImporter::formatId() const {
    return "tensorboard";
}

std::string_view TensorBoardImporter::displayName() const {
    return "TensorBoard event files";
}

int TensorBoardImporter::sniff(const fs::path& path) const {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        if (isEventFileName(path))
            return 90;
        // Recognised by content whatever the name: a TFRecord header whose length checksum holds.
        return tensorboard::looksLikeTfRecord(readPrefix(path, 12)) ? 80 : 0;
    }
    if (!fs::is_directory(path, ec))
        return 0;
    std::size_t budget = sniffEntryLimit;
    return hasEventFilesBelow(path, sniffDepth, budget) ? 60 : 0;
}

Result<std::string> TensorBoardImporter::fingerprint(const fs::path& path) const {
    const auto runs = discoverRuns(path);
    Fingerprint fp;
    for (const auto& run : runs) {
        fp.add(run.relative);
        fp.add(runFingerprint(run));
    }
    return fp.hex();
}

Result<Outcome> TensorBoardImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    return runWithOptions(path, sink, observer, {});
}

Result<Outcome> TensorBoardImporter::runWithOptions(const fs::path& path, ImportSink& sink, ImportObserver& observer,
                                                    const RunOptions& options) const {
    Reader reader(path, sink, observer, options);
    return reader.run();
}

}  // namespace runlens::importers
