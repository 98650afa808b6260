#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "desired_state/detail/tree.hpp"

namespace driftless::desired_state::detail {

const char* describe(const node& n) noexcept {
    switch (n.kind) {
    case node::type::null: return "null";
    case node::type::scalar: return "a string";
    case node::type::sequence: return "a list";
    case node::type::mapping: return "a mapping";
    }
    return "?";
}

namespace {

// Thrown from inside the event handler to stop yaml-cpp early; yaml-cpp
// recurses once per nesting level, so stopping at the first level too deep
// is what keeps a 20,000-level document from exhausting the stack.
struct stop_parsing {
    YAML::Mark mark;
    std::string message;
};

// Checks the bytes before yaml-cpp sees them: the YAML character set is
// printable UTF-8, and yaml-cpp's own handling of NUL, stray control bytes
// and broken UTF-8 is to substitute or misparse rather than to complain.
// Reports only the first bad byte: binary garbage would otherwise give one
// error per byte.
bool check_bytes(std::string_view text, const std::string& path, std::vector<diagnostic>& errors) {
    int line = 1;
    int column = 1;
    std::size_t i = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a UTF-8 byte-order mark is fine
    auto fail = [&](const std::string& message) {
        errors.push_back({{path, line, column}, "", message});
        return false;
    };
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
            ++i;
            continue;
        }
        if (c < 0x80) {
            if (c == 0) return fail("NUL byte: the file is binary or not UTF-8 text");
            if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "%02X", c);
                return fail(std::string("control character 0x") + buf + " is not allowed in YAML");
            }
            ++i;
            ++column;
            continue;
        }
        std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        bool valid = len != 0 && c <= 0xF4 && !(c == 0xC0 || c == 0xC1) && i + len <= text.size();
        std::uint32_t cp = 0;
        if (valid) {
            cp = c & (0xFF >> (len + 1));
            for (std::size_t k = 1; k < len; ++k) {
                auto cc = static_cast<unsigned char>(text[i + k]);
                if ((cc & 0xC0) != 0x80) {
                    valid = false;
                    break;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
        }
        // overlong forms, surrogates and code points past U+10FFFF
        if (valid && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                      (cp >= 0xD800 && cp <= 0xDFFF)))
            valid = false;
        if (!valid) return fail("invalid UTF-8: the file is binary or in another encoding");
        i += len;
        ++column;
    }
    return true;
}

class tree_builder : public YAML::EventHandler {
public:
    tree_builder(std::size_t max_depth, const std::string* file) : max_depth_(max_depth), file_(file) {}

    node_ptr take_root() { return std::move(root_); }
    std::vector<std::pair<YAML::Mark, std::string>>& problems() { return problems_; }

    void OnDocumentStart(const YAML::Mark& mark) override {
        // yaml-cpp 0.7 neither consumes nor rejects a stray "," or ":" at
        // the top level (",", "- a\n,"): it reports an empty document at
        // the same place, forever. A document starting where the last one
        // did is that loop.
        if (last_start_ && last_start_->pos == mark.pos)
            throw stop_parsing{mark, "invalid YAML: unexpected character outside a flow collection ([...] or {...}); "
                                     "quote the value if it is text"};
        last_start_ = mark;
        root_.reset();
        stack_.clear();
        anchors_.clear();
        anchor_names_.clear();
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto n = make(node::type::null, mark);
        // yaml-cpp places a missing value ("name:" then a newline) at the
        // next token, often on the next line; its key is the better place.
        if (!stack_.empty() && stack_.back().n->is_mapping() && stack_.back().n->children.size() % 2 == 1) {
            const node& key = *stack_.back().n->children.back();
            n->line = key.line;
            n->column = key.column;
        }
        finish(std::move(n), anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = anchors_.find(anchor);
        if (it == anchors_.end()) {
            std::string name = anchor >= 1 && anchor <= anchor_names_.size() ? anchor_names_[anchor - 1] : "";
            throw stop_parsing{mark, "alias *" + name + " refers to a node that contains it"};
        }
        add(it->second);
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        auto n = make(node::type::scalar, mark, tag);
        n->plain = tag == "?";
        n->text = value;
        finish(std::move(n), anchor);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(make(node::type::sequence, mark, tag), anchor, mark);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(make(node::type::mapping, mark, tag), anchor, mark);
    }
    void OnMapEnd() override { close(); }
    void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_names_.push_back(name); }

private:
    std::optional<YAML::Mark> last_start_;

    struct frame {
        std::shared_ptr<node> n;
        YAML::anchor_t anchor;
    };

    std::shared_ptr<node> make(node::type t, const YAML::Mark& mark, std::string_view tag = {}) const {
        auto n = std::make_shared<node>();
        n->kind = t;
        n->line = mark.line + 1;
        n->column = mark.column + 1;
        n->file = file_;
        if (tag == "!reset") n->tag = node::merge_tag::reset;
        else if (tag == "!override") n->tag = node::merge_tag::override;
        return n;
    }

    void open(std::shared_ptr<node> n, YAML::anchor_t anchor, const YAML::Mark& mark) {
        if (stack_.size() >= max_depth_)
            throw stop_parsing{mark, "nested deeper than " + std::to_string(max_depth_) + " levels"};
        stack_.push_back({std::move(n), anchor});
    }

    void close() {
        frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.n->is_mapping()) merge_keys(*f.n);
        finish(std::move(f.n), f.anchor);
    }

    void finish(std::shared_ptr<node> n, YAML::anchor_t anchor) {
        node_ptr done = std::move(n);
        if (anchor != 0) anchors_[anchor] = done;
        add(std::move(done));
    }

    void add(node_ptr n) {
        if (stack_.empty())
            root_ = std::move(n);
        else
            stack_.back().n->children.push_back(std::move(n));
    }

    // YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`), which compose files
    // use for shared settings. yaml-cpp leaves `<<` as an ordinary key. Keys
    // written in the mapping win over merged ones; earlier sources win over
    // later ones. Merged values are shared, not copied.
    void merge_keys(node& map) {
        bool any = false;
        for (std::size_t i = 0; i < map.pairs(); ++i)
            if (map.key(i).is_scalar() && map.key(i).plain && map.key(i).text == "<<") any = true;
        if (!any) return;
        std::vector<node_ptr> own;
        std::vector<node_ptr> sources;
        for (std::size_t i = 0; i < map.pairs(); ++i) {
            const node& k = map.key(i);
            if (k.is_scalar() && k.plain && k.text == "<<") {
                const node_ptr& v = map.children[2 * i + 1];
                if (v->is_mapping()) {
                    sources.push_back(v);
                } else if (v->is_sequence() && std::all_of(v->children.begin(), v->children.end(),
                                                           [](const node_ptr& c) { return c->is_mapping(); })) {
                    sources.insert(sources.end(), v->children.begin(), v->children.end());
                } else {
                    YAML::Mark m;
                    m.line = v->line - 1;
                    m.column = v->column - 1;
                    problems_.emplace_back(m, "merge key \"<<\" needs a mapping or a list of mappings");
                }
                continue;
            }
            own.push_back(map.children[2 * i]);
            own.push_back(map.children[2 * i + 1]);
        }
        std::unordered_set<std::string> seen;
        for (std::size_t i = 0; i < own.size(); i += 2)
            if (own[i]->is_scalar()) seen.insert(own[i]->text);
        for (const auto& src : sources)
            for (std::size_t i = 0; i < src->pairs(); ++i) {
                const node& k = src->key(i);
                if (!k.is_scalar() || !seen.insert(k.text).second) continue;
                own.push_back(src->children[2 * i]);
                own.push_back(src->children[2 * i + 1]);
            }
        map.children = std::move(own);
    }

    std::size_t max_depth_;
    const std::string* file_;
    node_ptr root_;
    std::vector<frame> stack_;
    std::unordered_map<YAML::anchor_t, node_ptr> anchors_;
    std::vector<std::string> anchor_names_;
    std::vector<std::pair<YAML::Mark, std::string>> problems_;
};

// Whether the 0-based line `line` starts with blanks holding a tab: the
// usual cause of yaml-cpp's less obvious messages ("illegal map value").
bool indented_with_tab(std::string_view text, int line) {
    if (line < 0) return false;
    std::size_t pos = 0;
    for (int i = 0; i < line; ++i) {
        pos = text.find('\n', pos);
        if (pos == std::string_view::npos) return false;
        ++pos;
    }
    for (; pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'); ++pos)
        if (text[pos] == '\t') return true;
    return false;
}

std::string syntax_message(const std::string& msg) {
    if (msg.empty()) return "invalid YAML";
    return "invalid YAML: " + msg;
}

}  // namespace

std::vector<node_ptr> load_documents(std::string_view text, const std::string& path,
                                     const parse_options& options, std::vector<diagnostic>& errors,
                                     const std::string* file) {
    std::vector<node_ptr> docs;
    if (text.size() > options.max_bytes) {
        errors.push_back({{path, 1, 1}, "",
                          "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                              std::to_string(options.max_bytes)});
        return docs;
    }
    if (!check_bytes(text, path, errors)) return docs;

    std::istringstream in{std::string(text)};
    tree_builder builder(options.max_depth, file);
    auto at = [&](const YAML::Mark& m) {
        // yaml-cpp marks are 0-based; a null mark (-1) means "no place"
        return source_location{path, m.line < 0 ? 1 : m.line + 1, m.column < 0 ? 1 : m.column + 1};
    };
    try {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
            for (auto& [mark, message] : builder.problems()) errors.push_back({at(mark), "", message});
            builder.problems().clear();
            if (auto root = builder.take_root(); root && !root->is_null()) docs.push_back(std::move(root));
        }
    } catch (const stop_parsing& e) {
        errors.push_back({at(e.mark), "", e.message});
    } catch (const YAML::Exception& e) {
        std::string message = syntax_message(e.msg);
        if (e.msg.find("tab") == std::string::npos && indented_with_tab(text, e.mark.line)) message += " (tabs are not allowed for indentation in YAML; use spaces)";
        errors.push_back({at(e.mark), "", message});
    } catch (const std::exception& e) {
        errors.push_back({{path, 1, 1}, "", syntax_message(e.what())});
    }
    return docs;
}

}  // namespace driftless::desired_state::detail
