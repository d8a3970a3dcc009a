// SPDX-License-Identifier: MIT
#include "hparamsyaml.h"

#include "common/paths.h"
#include "common/yamlutil.h"

namespace runlens::importers::lightning {
namespace {

// Tags yaml-cpp reports for plain documents; anything else came from a Python-specific dumper.
bool isPlainTag(const std::string& tag) {
    return tag.empty() || tag == "?" || tag == "!" || tag.starts_with("tag:yaml.org,2002:str") ||
           tag.starts_with("tag:yaml.org,2002:int") || tag.starts_with("tag:yaml.org,2002:float") ||
           tag.starts_with("tag:yaml.org,2002:bool") || tag.starts_with("tag:yaml.org,2002:null") ||
           tag.starts_with("tag:yaml.org,2002:map") || tag.starts_with("tag:yaml.org,2002:seq");
}

std::string shownTag(const std::string& tag) {
    constexpr std::string_view core = "tag:yaml.org,2002:";
    if (tag.starts_with(core))
        return "!!" + tag.substr(core.size());
    return tag;
}

std::string flowText(const YAML::Node& node) {
    YAML::Emitter out;
    out.SetMapFormat(YAML::Flow);
    out.SetSeqFormat(YAML::Flow);
    out << node;
    return out.good() ? std::string(out.c_str()) : std::string();
}

bool plainTree(const YAML::Node& node) {
    if (!isPlainTag(node.Tag()))
        return false;
    if (node.IsSequence() || node.IsMap()) {
        for (const auto& child : node) {
            if (node.IsMap() ? !plainTree(child.second) : !plainTree(child))
                return false;
        }
    }
    return true;
}

void flatten(const YAML::Node& node, const std::string& prefix, KeyValues& out) {
    if (!isPlainTag(node.Tag())) {
        // A Python object, tuple, numpy scalar or binary blob: keep what it is, never what it would construct.
        out.emplace_back(prefix, shownTag(node.Tag()));
        return;
    }
    switch (node.Type()) {
    case YAML::NodeType::Map:
        if (node.size() == 0 && !prefix.empty())
            out.emplace_back(prefix, "{}");
        for (const auto& entry : node) {
            const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : flowText(entry.first);
            flatten(entry.second, prefix.empty() ? key : prefix + "/" + key, out);
        }
        return;
    case YAML::NodeType::Sequence:
        out.emplace_back(prefix, plainTree(node) ? flowText(node) : std::string("!!seq"));
        return;
    case YAML::NodeType::Scalar:
        out.emplace_back(prefix, node.Scalar());
        return;
    case YAML::NodeType::Null:
        out.emplace_back(prefix, "null");
        return;
    case YAML::NodeType::Undefined:
        return;
    }
}

// Top-level "key: value" lines of a YAML mapping; nested blocks are given as their tag or left out.
KeyValues topLevelLines(const std::string& text) {
    KeyValues out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == ' ' || line[0] == '-' || line[0] == '#' || line[0] == '\t')
            continue;
        const auto colon = line.find(": ");
        const bool bare = colon == std::string::npos && line.back() == ':';
        if (colon == std::string::npos && !bare)
            continue;
        const std::string key = line.substr(0, bare ? line.size() - 1 : colon);
        std::string value = bare ? std::string() : line.substr(colon + 2);
        if (value.empty())
            continue;  // a nested block: not representable without a parser
        if (value[0] == '!') {
            value = value.substr(0, value.find(' '));
        } else if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
                   value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        }
        out.emplace_back(key, value);
    }
    return out;
}

}  // namespace

Result<KeyValues> readHparamsYaml(const std::filesystem::path& file, std::optional<Error>* fallback) {
    auto text = readFile(file);
    if (!text)
        return text.error();
    KeyValues params;
    if (text->find_first_not_of(" \t\r\n") == std::string::npos)
        return params;
    auto doc = loadYamlText(*text, file);
    if (!doc) {
        if (!fallback)
            return doc.error();
        Error why = doc.error();
        why.message += "; read its top-level keys only";
        *fallback = why;
        params = topLevelLines(*text);
        for (auto& [key, value] : params)
            if (!isValidUtf8(value))
                value = escapeInvalidUtf8(value);
        return params;
    }
    if (doc->IsNull())
        return params;
    if (!doc->IsMap())
        return Error{displayPath(file), {}, "expected a mapping of hyper-parameters"};
    flatten(*doc, {}, params);
    for (auto& [key, value] : params) {
        if (!isValidUtf8(value))
            value = escapeInvalidUtf8(value);
    }
    return params;
}

}  // namespace runlens::importers::lightning
