// SPDX-License-Identifier: MIT
#include "runfilter.h"

#include "text.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <variant>
#include <vector>

namespace runlens {
namespace {

enum class TokenType { identifier, string, number, op, openParen, closeParen, end };

struct Token {
    TokenType type = TokenType::end;
    std::string text;
    double number = 0;
    std::size_t column = 1;  // 1-based
};

std::optional<double> toNumber(std::string_view text) {
    text = text::trim(text, text::whitespace);
    if (text.empty())
        return std::nullopt;
    double value = 0;
    const auto result = fast_float::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

bool isFieldChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' || c == '-' || c == ':' ||
           (static_cast<unsigned char>(c) >= 0x80);
}

Result<std::vector<Token>> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    auto error = [](std::size_t column, std::string message) {
        return Error{{}, "column " + std::to_string(column), std::move(message)};
    };
    while (i < text.size()) {
        const char c = text[i];
        const std::size_t column = i + 1;
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '(' || c == ')') {
            tokens.push_back({c == '(' ? TokenType::openParen : TokenType::closeParen, std::string(1, c), 0, column});
            ++i;
        } else if (c == '"' || c == '\'') {
            std::string value;
            ++i;
            bool closed = false;
            while (i < text.size()) {
                if (text[i] == '\\' && i + 1 < text.size()) {
                    value += text[i + 1];
                    i += 2;
                } else if (text[i] == c) {
                    closed = true;
                    ++i;
                    break;
                } else {
                    value += text[i++];
                }
            }
            if (!closed)
                return error(column, "the text starting here has no closing quote");
            tokens.push_back({TokenType::string, std::move(value), 0, column});
        } else if (c == '=' || c == '!' || c == '<' || c == '>') {
            std::string op(1, c);
            if (i + 1 < text.size() && text[i + 1] == '=')
                op += '=';
            if (op == "=" || op == "!")
                return error(column, "unknown operator '" + op + "' (use == or !=)");
            tokens.push_back({TokenType::op, op, 0, column});
            i += op.size();
        } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                   ((c == '-' || c == '+' || c == '.') && i + 1 < text.size() &&
                    std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
            std::size_t end = i + 1;
            while (end < text.size() &&
                   (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                    ((text[end] == '-' || text[end] == '+') && (text[end - 1] == 'e' || text[end - 1] == 'E'))))
                ++end;
            const auto number = toNumber(text.substr(i, end - i));
            if (!number)
                return error(column, "'" + std::string(text.substr(i, end - i)) + "' is not a number");
            tokens.push_back({TokenType::number, std::string(text.substr(i, end - i)), *number, column});
            i = end;
        } else if (isFieldChar(c) || c == '`') {
            // A field path; backtick-quoted parts may hold spaces and operators: params.`learning rate`.
            std::string word;
            while (i < text.size() && (isFieldChar(text[i]) || text[i] == '`')) {
                if (text[i] == '`') {
                    const auto close = text.find('`', i + 1);
                    if (close == std::string_view::npos)
                        return error(i + 1, "the name starting here has no closing backtick");
                    word += text.substr(i + 1, close - i - 1);
                    i = close + 1;
                } else {
                    word += text[i++];
                }
            }
            std::string lower = text::lower(word);
            if (lower == "and" || lower == "or" || lower == "not" || lower == "contains")
                tokens.push_back({TokenType::op, lower, 0, column});
            else
                tokens.push_back({TokenType::identifier, std::move(word), 0, column});
        } else {
            return error(column, std::string("unexpected character '") + c + "'");
        }
    }
    tokens.push_back({TokenType::end, {}, 0, text.size() + 1});
    return tokens;
}

enum class FieldKind { metric, param, tag, run };
enum class Aggregate { last, first, min, max };

struct Field {
    FieldKind kind = FieldKind::run;
    std::string key;
    Aggregate aggregate = Aggregate::last;
};

using Literal = std::variant<std::string, double>;

}  // namespace

struct RunFilter::Node {
    enum class Type { andNode, orNode, notNode, compare, exists } type = Type::compare;
    std::unique_ptr<Node> left;
    std::unique_ptr<Node> right;
    Field field;
    std::string op;
    Literal literal;
};

namespace {

using Node = RunFilter::Node;

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    Result<std::unique_ptr<Node>> parse() {
        auto node = parseOr();
        if (!node)
            return node;
        if (peek().type != TokenType::end)
            return fail(peek(), "expected 'and', 'or' or the end of the filter, found '" + peek().text + "'");
        return node;
    }

private:
    const Token& peek() const { return m_tokens[m_pos]; }
    const Token& next() { return m_tokens[m_pos++]; }
    bool acceptOp(std::string_view op) {
        if (peek().type == TokenType::op && peek().text == op) {
            ++m_pos;
            return true;
        }
        return false;
    }
    static Error fail(const Token& at, std::string message) {
        return Error{{}, "column " + std::to_string(at.column), std::move(message)};
    }

    Result<std::unique_ptr<Node>> parseOr() {
        auto left = parseAnd();
        if (!left)
            return left;
        while (acceptOp("or")) {
            auto right = parseAnd();
            if (!right)
                return right;
            auto node = std::make_unique<Node>();
            node->type = Node::Type::orNode;
            node->left = std::move(*left);
            node->right = std::move(*right);
            left = std::move(node);
        }
        return left;
    }

    Result<std::unique_ptr<Node>> parseAnd() {
        auto left = parseNot();
        if (!left)
            return left;
        while (acceptOp("and")) {
            auto right = parseNot();
            if (!right)
                return right;
            auto node = std::make_unique<Node>();
            node->type = Node::Type::andNode;
            node->left = std::move(*left);
            node->right = std::move(*right);
            left = std::move(node);
        }
        return left;
    }

    Result<std::unique_ptr<Node>> parseNot() {
        if (acceptOp("not")) {
            auto inner = parseNot();
            if (!inner)
                return inner;
            auto node = std::make_unique<Node>();
            node->type = Node::Type::notNode;
            node->left = std::move(*inner);
            return node;
        }
        return parsePrimary();
    }

    Result<Field> parseField() {
        const Token& token = next();
        if (token.type != TokenType::identifier)
            return fail(token, token.type == TokenType::end
                                   ? "expected a field such as metrics.loss or params.lr"
                                   : "expected a field such as metrics.loss, found '" + token.text + "'");
        Field field;
        std::string name = token.text;
        // min(metrics.x), max(...), first(...), last(...)
        for (auto [word, aggregate] : {std::pair{"min", Aggregate::min}, std::pair{"max", Aggregate::max},
                                       std::pair{"first", Aggregate::first}, std::pair{"last", Aggregate::last}}) {
            if (name == word && peek().type == TokenType::openParen) {
                ++m_pos;
                auto inner = parseField();
                if (!inner)
                    return inner;
                if (inner->kind != FieldKind::metric)
                    return fail(token, std::string(word) + "() applies to metrics, as in " + word + "(metrics.loss)");
                if (next().type != TokenType::closeParen)
                    return fail(token, "missing ')' after " + std::string(word) + "(...");
                inner->aggregate = aggregate;
                return inner;
            }
        }
        const auto dot = name.find('.');
        const std::string prefix = dot == std::string::npos ? name : name.substr(0, dot);
        const std::string key = dot == std::string::npos ? std::string() : name.substr(dot + 1);
        if (prefix == "metrics" || prefix == "metric" || prefix == "m")
            field.kind = FieldKind::metric;
        else if (prefix == "params" || prefix == "param" || prefix == "p")
            field.kind = FieldKind::param;
        else if (prefix == "tags" || prefix == "tag" || prefix == "t")
            field.kind = FieldKind::tag;
        else if (dot == std::string::npos &&
                 (name == "name" || name == "status" || name == "experiment" || name == "user" || name == "id" ||
                  name == "source" || name == "lifecycle")) {
            field.kind = FieldKind::run;
            field.key = name;
            return field;
        } else
            return fail(token, "unknown field '" + name +
                                   "': use metrics.KEY, params.KEY, tags.KEY, name, status, experiment, user, id, "
                                   "source or lifecycle");
        if (key.empty())
            return fail(token, "'" + prefix + ".' needs a key, as in " + prefix + ".loss");
        field.key = key;
        return field;
    }

    Result<std::unique_ptr<Node>> parsePrimary() {
        if (peek().type == TokenType::openParen) {
            const Token& open = next();
            auto inner = parseOr();
            if (!inner)
                return inner;
            if (peek().type != TokenType::closeParen)
                return fail(open, "this '(' is never closed");
            ++m_pos;
            return inner;
        }
        auto field = parseField();
        if (!field)
            return field.error();
        auto node = std::make_unique<Node>();
        node->field = std::move(*field);
        const Token& op = peek();
        static const std::vector<std::string> comparisons = {"==", "!=", "<", "<=", ">", ">=", "contains"};
        if (op.type != TokenType::op ||
            std::find(comparisons.begin(), comparisons.end(), op.text) == comparisons.end()) {
            // A bare field asks whether the run has it: params.seed and not tags.bad
            node->type = Node::Type::exists;
            return node;
        }
        ++m_pos;
        node->op = op.text;
        const Token& value = next();
        if (value.type == TokenType::number)
            node->literal = value.number;
        else if (value.type == TokenType::string || value.type == TokenType::identifier)
            node->literal = value.text;
        else
            return fail(value, "expected a value after '" + op.text + "'");
        if (std::holds_alternative<std::string>(node->literal) && op.text != "==" && op.text != "!=" &&
            op.text != "contains" && !toNumber(std::get<std::string>(node->literal)))
            return fail(value, "'" + op.text + "' compares numbers; '" + value.text + "' is not a number");
        if (node->field.kind == FieldKind::metric && std::holds_alternative<std::string>(node->literal) &&
            !toNumber(std::get<std::string>(node->literal)))
            return fail(value, "metrics are numbers; compare them with a number, not '" + value.text + "'");
        node->type = Node::Type::compare;
        return node;
    }

    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
};

const std::string* findValue(const KeyValues& values, const std::string& key) {
    // Rows keep params and tags sorted by key.
    auto it = std::lower_bound(values.begin(), values.end(), key,
                               [](const auto& kv, const std::string& k) { return kv.first < k; });
    return it != values.end() && it->first == key ? &it->second : nullptr;
}

// The field's value for a run: a number, a string, or nothing.
std::optional<Literal> fieldValue(const Field& f, const RunRow& run) {
    switch (f.kind) {
    case FieldKind::metric:
        for (const auto& m : run.metrics) {
            if (m.key != f.key)
                continue;
            switch (f.aggregate) {
            case Aggregate::last:
                return Literal(m.summary.last);
            case Aggregate::first:
                return Literal(m.summary.first);
            case Aggregate::min:
                return m.summary.min ? std::optional<Literal>(*m.summary.min) : std::nullopt;
            case Aggregate::max:
                return m.summary.max ? std::optional<Literal>(*m.summary.max) : std::nullopt;
            }
        }
        return std::nullopt;
    case FieldKind::param:
        if (const auto* v = findValue(run.params, f.key))
            return Literal(*v);
        return std::nullopt;
    case FieldKind::tag:
        if (const auto* v = findValue(run.tags, f.key))
            return Literal(*v);
        return std::nullopt;
    case FieldKind::run:
        if (f.key == "name")
            return Literal(run.run.name);
        if (f.key == "status")
            return Literal(run.run.status);
        if (f.key == "experiment")
            return Literal(run.experimentName);
        if (f.key == "user")
            return Literal(run.run.user);
        if (f.key == "id")
            return Literal(run.run.externalId);
        if (f.key == "source")
            return Literal(run.sourcePath);
        if (f.key == "lifecycle")
            return Literal(run.run.lifecycle);
        return std::nullopt;
    }
    return std::nullopt;
}

bool compareNumbers(double a, const std::string& op, double b) {
    if (std::isnan(a) || std::isnan(b))
        return op == "!=";
    if (op == "==")
        return a == b;
    if (op == "!=")
        return a != b;
    if (op == "<")
        return a < b;
    if (op == "<=")
        return a <= b;
    if (op == ">")
        return a > b;
    if (op == ">=")
        return a >= b;
    return false;
}

bool evaluate(const Node& node, const RunRow& run) {
    switch (node.type) {
    case Node::Type::andNode:
        return evaluate(*node.left, run) && evaluate(*node.right, run);
    case Node::Type::orNode:
        return evaluate(*node.left, run) || evaluate(*node.right, run);
    case Node::Type::notNode:
        return !evaluate(*node.left, run);
    case Node::Type::exists:
        return fieldValue(node.field, run).has_value();
    case Node::Type::compare:
        break;
    }
    const auto value = fieldValue(node.field, run);
    if (!value)
        return false;
    if (node.op == "contains") {
        const std::string haystack =
            std::holds_alternative<std::string>(*value) ? std::get<std::string>(*value) : std::string();
        const std::string needle =
            std::holds_alternative<std::string>(node.literal) ? std::get<std::string>(node.literal) : std::string();
        return !needle.empty() && haystack.find(needle) != std::string::npos;
    }
    // Numeric when both sides read as numbers (params are text: "0.10" == 0.1), text otherwise.
    const std::optional<double> left = std::holds_alternative<double>(*value) ? std::optional(std::get<double>(*value))
                                                                              : toNumber(std::get<std::string>(*value));
    const std::optional<double> right = std::holds_alternative<double>(node.literal)
                                            ? std::optional(std::get<double>(node.literal))
                                            : toNumber(std::get<std::string>(node.literal));
    if (left && right)
        return compareNumbers(*left, node.op, *right);
    const std::string a = std::holds_alternative<std::string>(*value) ? std::get<std::string>(*value) : std::string();
    const std::string b =
        std::holds_alternative<std::string>(node.literal) ? std::get<std::string>(node.literal) : std::string();
    if (node.op == "==")
        return a == b;
    if (node.op == "!=")
        return a != b;
    return false;
}

}  // namespace

RunFilter::RunFilter() = default;
RunFilter::~RunFilter() = default;
RunFilter::RunFilter(RunFilter&&) noexcept = default;
RunFilter& RunFilter::operator=(RunFilter&&) noexcept = default;

Result<RunFilter> RunFilter::parse(std::string_view text) {
    RunFilter filter;
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return filter;
    auto tokens = tokenize(text);
    if (!tokens)
        return tokens.error();
    Parser parser(std::move(*tokens));
    auto root = parser.parse();
    if (!root)
        return root.error();
    filter.m_root = std::move(*root);
    return filter;
}

bool RunFilter::matches(const RunRow& run) const {
    return !m_root || evaluate(*m_root, run);
}
bool RunFilter::isEmpty() const {
    return !m_root;
}

}  // namespace runlens
