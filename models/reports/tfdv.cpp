// SPDX-License-Identifier: MIT
// TFDV anomalies (ExampleValidator output): the text-format tensorflow_metadata Anomalies proto, read with a
// small text-format reader into JSON (every field an array, since any field may repeat).
#include "reportformats.h"
#include "reportjson.h"
#include "validationdocument.h"

#include <cctype>
#include <set>

namespace runlens::reports {
namespace {

using json = nlohmann::json;

class TextProtoReader {
public:
    TextProtoReader(std::string_view text, std::string file) : m_text(text), m_file(std::move(file)) {}

    Result<json> document() {
        json root = json::object();
        if (Status s = fields(root, '\0'); !s)
            return s.error();
        return root;
    }

private:
    Error errorHere(const std::string& message) const {
        std::size_t line = 1;
        std::size_t lineStart = 0;
        for (std::size_t i = 0; i < m_pos && i < m_text.size(); ++i)
            if (m_text[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        return Error{m_file, "line " + std::to_string(line) + ", column " + std::to_string(m_pos - lineStart + 1),
                     message};
    }

    void skipSpace() {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '#') {
                while (m_pos < m_text.size() && m_text[m_pos] != '\n')
                    ++m_pos;
            } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';') {
                ++m_pos;
            } else {
                break;
            }
        }
    }

    Status fields(json& into, char closing) {
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size()) {
                if (closing != '\0')
                    return errorHere("the message is not closed (truncated file?)");
                return {};
            }
            if (m_text[m_pos] == closing) {
                ++m_pos;
                return {};
            }
            const std::size_t start = m_pos;
            while (m_pos < m_text.size() &&
                   (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '_' ||
                    m_text[m_pos] == '.' || m_text[m_pos] == '[' || m_text[m_pos] == ']' || m_text[m_pos] == '/'))
                ++m_pos;
            if (m_pos == start)
                return errorHere(std::string("expected a field name, found '") + m_text[m_pos] + "'");
            const std::string name(m_text.substr(start, m_pos - start));
            skipSpace();
            bool colon = false;
            if (m_pos < m_text.size() && m_text[m_pos] == ':') {
                colon = true;
                ++m_pos;
                skipSpace();
            }
            if (m_pos >= m_text.size())
                return errorHere("field '" + name + "' has no value (truncated file?)");
            json value;
            const char c = m_text[m_pos];
            if (c == '{' || c == '<') {
                ++m_pos;
                value = json::object();
                if (Status s = fields(value, c == '{' ? '}' : '>'); !s)
                    return s;
            } else if (!colon) {
                return errorHere("expected ':' or '{' after field '" + name + "'");
            } else if (c == '"' || c == '\'') {
                auto s = stringLiteral();
                if (!s)
                    return s.error();
                value = std::move(*s);
            } else {
                const std::size_t valueStart = m_pos;
                while (m_pos < m_text.size() && !std::isspace(static_cast<unsigned char>(m_text[m_pos])) &&
                       m_text[m_pos] != '}' && m_text[m_pos] != '>' && m_text[m_pos] != ',' && m_text[m_pos] != ';' &&
                       m_text[m_pos] != '#')
                    ++m_pos;
                const std::string scalar(m_text.substr(valueStart, m_pos - valueStart));
                if (scalar.empty())
                    return errorHere("field '" + name + "' has no value");
                char* end = nullptr;
                const double number = std::strtod(scalar.c_str(), &end);
                if (end && *end == '\0')
                    value = number;
                else if (scalar == "true" || scalar == "false")
                    value = scalar == "true";
                else
                    value = scalar;  // an enum name
            }
            into[name].push_back(std::move(value));
        }
    }

    Result<std::string> stringLiteral() {
        const char quote = m_text[m_pos++];
        std::string out;
        while (m_pos < m_text.size() && m_text[m_pos] != quote) {
            char c = m_text[m_pos++];
            if (c == '\n')
                return errorHere("a line break inside a string");
            if (c == '\\' && m_pos < m_text.size()) {
                const char e = m_text[m_pos++];
                switch (e) {
                case 'n':
                    c = '\n';
                    break;
                case 't':
                    c = '\t';
                    break;
                case 'r':
                    c = '\r';
                    break;
                default:
                    if (e >= '0' && e <= '7') {  // octal escapes for bytes
                        int v = e - '0';
                        for (int k = 0; k < 2 && m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '7';
                             ++k)
                            v = v * 8 + (m_text[m_pos++] - '0');
                        c = static_cast<char>(v);
                    } else {
                        c = e;
                    }
                }
            }
            out += c;
        }
        if (m_pos >= m_text.size())
            return errorHere("a string is not closed (truncated file?)");
        ++m_pos;
        return out;
    }

    std::string_view m_text;
    std::string m_file;
    std::size_t m_pos = 0;
};

std::string firstString(const json& message, const char* field) {
    if (message.is_object() && message.contains(field) && !message[field].empty() && message[field][0].is_string())
        return message[field][0].get<std::string>();
    return {};
}

json anomalyResult(const std::string& column, const json& info) {
    std::string check = "anomaly";
    json reasons = json::array();
    if (info.contains("reason"))
        for (const auto& reason : info["reason"]) {
            const std::string type = firstString(reason, "type");
            if (check == "anomaly" && !type.empty())
                check = type;
            reasons.push_back({{"type", type},
                               {"short_description", firstString(reason, "short_description")},
                               {"description", firstString(reason, "description")}});
        }
    std::string observed = firstString(info, "description");
    if (observed.empty())
        observed = firstString(info, "short_description");
    return {{"check", check},
            {"column", column.empty() ? json(nullptr) : json(column)},
            {"success", false},
            {"observed", observed},
            {"details", {{"severity", firstString(info, "severity")}, {"reasons", reasons}}}};
}

}  // namespace

Result<json> tfdvAnomaliesDocument(std::string_view text, const std::string& file, const std::string& split) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return Error{file, {}, "the file is empty; expected a TFDV Anomalies text proto"};
    auto parsed = TextProtoReader(text, file).document();
    if (!parsed)
        return parsed.error();
    const json& root = *parsed;
    if (!root.contains("baseline") && !root.contains("anomaly_info") && !root.contains("anomaly_name_format"))
        return Error{file, "line 1", "not a TFDV Anomalies proto (no baseline, anomaly_info or anomaly_name_format)"};
    json results = json::array();
    std::set<std::string> anomalous;
    if (root.contains("anomaly_info"))
        for (const auto& entry : root["anomaly_info"]) {
            const std::string column = firstString(entry, "key");
            const json value = entry.contains("value") && !entry["value"].empty() ? entry["value"][0] : json::object();
            anomalous.insert(column);
            results.push_back(anomalyResult(column, value));
        }
    if (root.contains("dataset_anomaly_info"))
        for (const auto& info : root["dataset_anomaly_info"])
            results.push_back(anomalyResult({}, info));
    if (root.contains("drift_skew_info"))
        for (const auto& info : root["drift_skew_info"]) {
            std::string column;
            if (info.contains("path") && !info["path"].empty())
                column = firstString(info["path"][0], "step");
            json measurements = info.contains("drift_measurements") ? info["drift_measurements"] : json::array();
            results.push_back({{"check", "drift_skew"},
                               {"column", column},
                               {"success", false},
                               {"observed", valueText(measurements)},
                               {"details", {{"drift_measurements", measurements}}}});
        }
    // Every feature of the baseline schema that has no anomaly passed the schema check.
    if (root.contains("baseline") && !root["baseline"].empty() && root["baseline"][0].contains("feature"))
        for (const auto& feature : root["baseline"][0]["feature"]) {
            const std::string name = firstString(feature, "name");
            if (name.empty() || anomalous.contains(name))
                continue;
            results.push_back({{"check", "schema_conformance"},
                               {"column", name},
                               {"success", true},
                               {"observed", "no anomaly"},
                               {"details", {{"type", firstString(feature, "type")}}}});
        }
    return validationDocument("tfdv", split.empty() ? "anomalies" : "anomalies (" + split + ")", std::nullopt,
                              std::move(results));
}

}  // namespace runlens::reports
