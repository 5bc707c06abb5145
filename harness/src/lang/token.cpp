#include "interleave/token.hpp"


namespace interleave {

namespace {
struct Keyword {
  std::string_view word;
  std::string_view quoted;
  Tok kind;
};
constexpr Keyword keywords[] = {
    {"scenario", "'scenario'", Tok::kw_scenario},
    {"about", "'about'", Tok::kw_about},
    {"const", "'const'", Tok::kw_const},
    {"shared", "'shared'", Tok::kw_shared},
    {"atomic", "'atomic'", Tok::kw_atomic},
    {"mutex", "'mutex'", Tok::kw_mutex},
    {"cond", "'cond'", Tok::kw_cond},
    {"semaphore", "'semaphore'", Tok::kw_semaphore},
    {"queue", "'queue'", Tok::kw_queue},
    {"thread", "'thread'", Tok::kw_thread},
    {"process", "'process'", Tok::kw_process},
    {"fn", "'fn'", Tok::kw_fn},
    {"main", "'main'", Tok::kw_main},
    {"final", "'final'", Tok::kw_final},
    {"always", "'always'", Tok::kw_always},
    {"observe", "'observe'", Tok::kw_observe},
    {"expect", "'expect'", Tok::kw_expect},
    {"outcome", "'outcome'", Tok::kw_outcome},
    {"let", "'let'", Tok::kw_let},
    {"if", "'if'", Tok::kw_if},
    {"elif", "'elif'", Tok::kw_elif},
    {"else", "'else'", Tok::kw_else},
    {"while", "'while'", Tok::kw_while},
    {"repeat", "'repeat'", Tok::kw_repeat},
    {"for", "'for'", Tok::kw_for},
    {"in", "'in'", Tok::kw_in},
    {"break", "'break'", Tok::kw_break},
    {"continue", "'continue'", Tok::kw_continue},
    {"return", "'return'", Tok::kw_return},
    {"with", "'with'", Tok::kw_with},
    {"spawn", "'spawn'", Tok::kw_spawn},
    {"as", "'as'", Tok::kw_as},
    {"join", "'join'", Tok::kw_join},
    {"assert", "'assert'", Tok::kw_assert},
    {"print", "'print'", Tok::kw_print},
    {"yield", "'yield'", Tok::kw_yield},
    {"sleep", "'sleep'", Tok::kw_sleep},
    {"fence", "'fence'", Tok::kw_fence},
    {"crash", "'crash'", Tok::kw_crash},
    {"and", "'and'", Tok::kw_and},
    {"or", "'or'", Tok::kw_or},
    {"not", "'not'", Tok::kw_not},
    {"true", "'true'", Tok::kw_true},
    {"false", "'false'", Tok::kw_false},
    {"on", "'on'", Tok::kw_on},
    {"any", "'any'", Tok::kw_any},
    {"range", "'range'", Tok::kw_range},
    {"thread_name", "'thread_name'", Tok::kw_thread_name},
};
}  // namespace

Tok keyword_kind(std::string_view word) {
  for (const auto& k : keywords)
    if (k.word == word) return k.kind;
  return Tok::identifier;
}

bool is_keyword(Tok kind) { return kind >= Tok::kw_scenario; }

std::string_view describe(Tok kind) {
  switch (kind) {
    case Tok::end_of_file: return "end of file";
    case Tok::newline: return "end of line";
    case Tok::indent: return "an indented block";
    case Tok::dedent: return "end of block";
    case Tok::error: return "an invalid token";
    case Tok::identifier: return "a name";
    case Tok::integer: return "an integer";
    case Tok::string: return "a string";
    case Tok::duration: return "a duration";
    case Tok::lparen: return "'('";
    case Tok::rparen: return "')'";
    case Tok::lbracket: return "'['";
    case Tok::rbracket: return "']'";
    case Tok::comma: return "','";
    case Tok::colon: return "':'";
    case Tok::dot: return "'.'";
    case Tok::assign: return "'='";
    case Tok::eq: return "'=='";
    case Tok::ne: return "'!='";
    case Tok::lt: return "'<'";
    case Tok::le: return "'<='";
    case Tok::gt: return "'>'";
    case Tok::ge: return "'>='";
    case Tok::plus: return "'+'";
    case Tok::minus: return "'-'";
    case Tok::star: return "'*'";
    case Tok::slash: return "'/'";
    case Tok::percent: return "'%'";
    case Tok::amp: return "'&'";
    case Tok::pipe: return "'|'";
    case Tok::caret: return "'^'";
    case Tok::tilde: return "'~'";
    case Tok::shl: return "'<<'";
    case Tok::shr: return "'>>'";
    default: break;
  }
  for (const auto& k : keywords)
    if (k.kind == kind) return k.quoted;
  return "a token";
}

}  // namespace interleave
