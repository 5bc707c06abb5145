#include "program_generator.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace interleave::test {

namespace {

// splitmix64: tiny, and the same sequence everywhere (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed * 0x2545F4914F6CDD1Dull + 0x5EEDull) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(int percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))];
  }
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<std::size_t>(below(static_cast<int>(i)))]);
  }

 private:
  std::uint64_t state_;
};

// One item of a body: statements, indented relative to the item.
using Lines = std::vector<std::string>;

void append(Lines& out, const Lines& in, int levels = 0) {
  const std::string pad(static_cast<std::size_t>(4 * levels), ' ');
  for (const auto& l : in) out.push_back(pad + l);
}

enum class Discipline { locked, owned, published, readonly, unprotected };
enum class ChanKind { flag_if, flag_spin, semaphore, queue, cond };

// A one-shot signal from one thread to higher-numbered ones: whatever the sender did
// before sending happens-before what a receiver does after receiving (when it is strong).
struct Channel {
  ChanKind kind = ChanKind::semaphore;
  int id = 0;
  int sender = 0;
  std::vector<int> receivers;
  std::string send_op = "store";     // flags: store, fetch_add or exchange
  std::string recv_op = "load";      // flag_if: load or cas
  std::string send_order, recv_order;  // flags; empty: the default (seq_cst)
  bool writer_fence = false, reader_fence = false;
  bool explicit_lock = false;        // cond: the sender uses lock()/unlock() instead of with
};

struct Var {
  std::string name;
  bool array = false;
};

// What one participant (0 = main, 1.. = workers) does, in the order it is emitted.
struct ThreadPlan {
  bool has_param = false;
  std::vector<Lines> early;                   // before its receives (broken disciplines)
  std::map<int, std::vector<Lines>> guarded;  // channel id -> accesses after that receive
  std::vector<Lines> body;
  std::vector<Lines> late;                    // after its sends (broken disciplines)
};

enum class Shape { implicit_main, named_spawns, handle_array };

constexpr int array_size = 4;  // > every thread id, so `a[id]` is always in range

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) { out_.seed = seed; }

  GeneratedProgram run() {
    choose_shape();
    make_channels();
    make_vars();
    extras();
    emit();
    return std::move(out_);
  }

 private:
  Rng rng_;
  GeneratedProgram out_;
  Shape shape_ = Shape::implicit_main;
  int workers_ = 2;
  bool main_takes_part_ = false;
  int mutexes_ = 1;
  int noise_atomics_ = 0;
  std::vector<Channel> chans_;
  std::vector<Var> vars_;
  std::vector<ThreadPlan> plans_;
  Lines main_pre_, main_post_;
  int next_local_ = 0;
  int unjoined_ = -1;       // a worker main does not join (named spawns only)
  int process_items_ = 0;   // > 0: a helper process echoes this many queue items
  bool per_thread_array_ = false, per_thread_broken_ = false;
  bool pin_index_ = false;

  void feature(const std::string& f) { out_.features.insert(f); }
  std::string local() { return "r" + std::to_string(++next_local_); }
  std::string num() { return std::to_string(rng_.between(1, 9)); }
  bool explicit_main() const { return shape_ != Shape::implicit_main; }
  int first_participant() const { return main_takes_part_ ? 0 : 1; }
  int thread_id_of(int worker) const { return shape_ == Shape::handle_array ? worker - 1 : worker; }

  // Distinct participants, in increasing order.
  std::vector<int> participants(int n) {
    std::vector<int> all;
    for (int p = first_participant(); p <= workers_; ++p) all.push_back(p);
    rng_.shuffle(all);
    all.resize(static_cast<std::size_t>(std::min<int>(n, static_cast<int>(all.size()))));
    std::sort(all.begin(), all.end());
    return all;
  }

  void choose_shape() {
    const int s = rng_.below(100);
    shape_ = s < 35 ? Shape::implicit_main : s < 75 ? Shape::named_spawns : Shape::handle_array;
    feature(shape_ == Shape::implicit_main ? "shape:implicit-main"
            : shape_ == Shape::named_spawns ? "shape:named-spawns"
                                            : "shape:handle-array");
    workers_ = rng_.chance(60) ? 2 : 3;
    main_takes_part_ = explicit_main() && rng_.chance(50);
    if (main_takes_part_) feature("main-takes-part");
    plans_.resize(static_cast<std::size_t>(workers_ + 1));
    for (int w = 1; w <= workers_; ++w) {
      plans_[static_cast<std::size_t>(w)].has_param =
          shape_ == Shape::handle_array || (shape_ == Shape::named_spawns && rng_.chance(50));
      if (plans_[static_cast<std::size_t>(w)].has_param) feature("param");
    }
    mutexes_ = rng_.between(1, 2);
    out_.intended_racy = rng_.chance(55);
  }

  std::string order_of(const std::vector<std::string>& choices) {
    std::string o = rng_.pick(choices);
    feature("order:" + (o.empty() ? std::string("default") : o));
    return o;
  }

  void make_channels() {
    const int n = rng_.below(3);
    for (int i = 0; i < n; ++i) {
      Channel c;
      c.id = static_cast<int>(chans_.size());
      const int k = rng_.below(100);
      c.kind = k < 30 ? ChanKind::flag_if : k < 40 ? ChanKind::flag_spin : k < 60 ? ChanKind::semaphore
               : k < 80 ? ChanKind::queue : ChanKind::cond;
      c.sender = rng_.between(first_participant(), workers_ - 1);
      for (int r = c.sender + 1; r <= workers_; ++r)
        if (rng_.chance(60)) c.receivers.push_back(r);
      if (c.receivers.empty()) c.receivers.push_back(rng_.between(c.sender + 1, workers_));
      if (c.kind == ChanKind::flag_if || c.kind == ChanKind::flag_spin) strong_flag(c);
      c.explicit_lock = rng_.chance(30);
      chans_.push_back(c);
    }
  }

  // Release/acquire on both sides, through the operations' orders or through fences.
  void strong_flag(Channel& c) {
    const int op = rng_.below(10);
    c.send_op = op < 6 ? "store" : op < 8 ? "fetch_add" : "exchange";
    if (c.kind == ChanKind::flag_if && rng_.chance(25)) c.recv_op = "cas";
    const bool rmw_send = c.send_op != "store";
    if (rng_.chance(30)) {
      c.writer_fence = true;
      c.send_order = "relaxed";
    } else {
      c.send_order = order_of(rmw_send ? std::vector<std::string>{"release", "acq_rel", "seq_cst", ""}
                                       : std::vector<std::string>{"release", "seq_cst", ""});
    }
    if (rng_.chance(30)) {
      c.reader_fence = true;
      c.recv_order = "relaxed";
    } else {
      c.recv_order = order_of(c.recv_op == "cas" ? std::vector<std::string>{"acquire", "acq_rel", "seq_cst", ""}
                                                 : std::vector<std::string>{"acquire", "seq_cst", ""});
    }
  }

  void weaken(Channel& c) {
    if (rng_.chance(50)) {
      c.send_order = "relaxed";
      c.writer_fence = false;
    } else {
      c.recv_order = "relaxed";
      c.reader_fence = false;
    }
    feature("weak-flag");
  }

  std::string loc(const Var& v, int participant) {
    if (!v.array) return v.name;
    if (pin_index_) return v.name + "[0]";  // a broken discipline must conflict on one element
    if (participant >= 1 && plans_[static_cast<std::size_t>(participant)].has_param && rng_.chance(50))
      return v.name + "[id]";
    return v.name + "[" + std::to_string(rng_.below(2)) + "]";  // two elements: conflicts stay likely
  }

  enum Access { read, write, rmw };
  Lines access(const Var& v, int participant, Access a) {
    const std::string l = loc(v, participant);
    switch (a) {
      case read:
        if (rng_.chance(20)) return {"if " + l + " > 100:", "    yield"};
        return {"let " + local() + " = " + l};
      case write: return {l + " = " + num()};
      case rmw: break;
    }
    return {l + " = " + l + " + " + num()};
  }
  Access any_access() { return static_cast<Access>(rng_.below(3)); }
  Access any_write() { return rng_.chance(50) ? write : rmw; }

  Lines locked(const Lines& inner, int m) {
    const std::string name = "m" + std::to_string(m);
    Lines out;
    const int how = rng_.below(10);
    if (how < 6) {
      feature("with");
      out.push_back("with " + name + ":");
      append(out, inner, 1);
    } else if (how < 8) {
      feature("lock-unlock");
      out.push_back(name + ".lock()");
      append(out, inner);
      out.push_back(name + ".unlock()");
    } else {
      feature("try_lock");
      out.push_back("if " + name + ".try_lock():");
      append(out, inner, 1);
      out.push_back("    " + name + ".unlock()");
    }
    return out;
  }

  ThreadPlan& plan(int p) { return plans_[static_cast<std::size_t>(p)]; }

  void make_vars() {
    const int n = rng_.between(2, 4);
    // The discipline each variable follows; a racy program breaks exactly one of them.
    const int broken = out_.intended_racy ? rng_.below(n) : -1;
    for (int i = 0; i < n; ++i) {
      Var v{"v" + std::to_string(i), rng_.chance(30)};
      if (v.array) feature("array");
      vars_.push_back(v);
      const int d = rng_.below(100);
      Discipline disc = d < 35 ? Discipline::locked : d < 55 ? Discipline::owned
                        : d < 85 ? Discipline::published : Discipline::readonly;
      if (disc == Discipline::published && chans_.empty()) disc = Discipline::locked;
      if (i == broken && rng_.chance(15)) disc = Discipline::unprotected;
      discipline(vars_.back(), disc, i == broken);
    }
  }

  void discipline(const Var& v, Discipline disc, bool broken) {
    pin_index_ = broken;
    switch (disc) {
      case Discipline::locked: {
        const int m = rng_.below(mutexes_);
        const auto who = participants(rng_.between(2, 3));
        std::vector<std::pair<int, Lines>> items;
        for (std::size_t k = 0; k < who.size(); ++k) {
          const int count = rng_.between(1, 2);
          for (int j = 0; j < count; ++j)
            items.emplace_back(who[k], access(v, who[k], k == 0 && j == 0 ? any_write() : any_access()));
        }
        const std::size_t bare = broken ? static_cast<std::size_t>(rng_.below(static_cast<int>(items.size()))) : items.size();
        for (std::size_t k = 0; k < items.size(); ++k)
          plan(items[k].first).body.push_back(k == bare ? items[k].second : locked(items[k].second, m));
        if (explicit_main() && rng_.chance(40)) append(main_post_, access(v, -1, read));
        break;
      }
      case Discipline::owned: {
        const int owner = participants(1).front();
        const int count = rng_.between(1, 3);
        for (int j = 0; j < count; ++j) plan(owner).body.push_back(access(v, owner, any_access()));
        if (explicit_main() && rng_.chance(30)) append(main_pre_, access(v, -1, write));
        if (explicit_main() && rng_.chance(50)) append(main_post_, access(v, -1, any_access()));
        if (broken) {
          int other = owner;
          while (other == owner && workers_ + 1 - first_participant() > 1) other = participants(1).front();
          plan(other).body.push_back(access(v, other, any_write()));
        }
        break;
      }
      case Discipline::published: {
        Channel& c = chans_[static_cast<std::size_t>(rng_.below(static_cast<int>(chans_.size())))];
        const int writes = rng_.between(1, 2);
        for (int j = 0; j < writes; ++j) plan(c.sender).body.push_back(access(v, c.sender, any_write()));
        for (int r : c.receivers) {
          // With several receivers they only read: receivers are not ordered with each other.
          const Access a = c.receivers.size() == 1 ? any_access() : read;
          plan(r).guarded[c.id].push_back(access(v, r, a));
        }
        if (broken) {
          const int how = rng_.below(3);
          const bool flag = c.kind == ChanKind::flag_if || c.kind == ChanKind::flag_spin;
          if (how == 0 && flag) {
            weaken(c);
          } else if (how == 1) {
            const int r = rng_.pick(c.receivers);
            plan(r).early.push_back(access(v, r, any_access()));
            feature("access-before-receive");
          } else {
            plan(c.sender).late.push_back(access(v, c.sender, any_write()));
            feature("write-after-send");
          }
        }
        break;
      }
      case Discipline::readonly: {
        if (explicit_main() && rng_.chance(40)) append(main_pre_, access(v, -1, write));
        const auto who = participants(rng_.between(2, 3));
        const std::size_t writer = broken ? static_cast<std::size_t>(rng_.below(static_cast<int>(who.size()))) : who.size();
        for (std::size_t k = 0; k < who.size(); ++k)
          plan(who[k]).body.push_back(access(v, who[k], k == writer ? any_write() : read));
        break;
      }
      case Discipline::unprotected: {
        feature("unprotected");
        const auto who = participants(2);
        for (std::size_t k = 0; k < who.size(); ++k)
          plan(who[k]).body.push_back(access(v, who[k], k == 0 ? any_write() : any_access()));
        break;
      }
    }
  }

  // Atomics that carry no protocol, fences, yields, a lock-order pattern, a process, a
  // per-thread array: what else may add or hide happens-before.
  void extras() {
    noise_atomics_ = rng_.below(3);
    const int noise_ops = noise_atomics_ == 0 ? 0 : rng_.between(1, 3);
    for (int i = 0; i < noise_ops; ++i) {
      const int p = rng_.between(first_participant(), workers_);
      plan(p).body.push_back(noise_op());
    }
    if (rng_.chance(10)) plan(rng_.between(first_participant(), workers_)).body.push_back({"fence"});
    if (rng_.chance(8)) plan(rng_.between(1, workers_)).body.push_back({rng_.chance(50) ? "yield" : "sleep 1ms"});

    if (rng_.chance(12)) {
      feature("lock-order");
      const auto who = participants(2);
      if (who.size() == 2) {
        const bool inverted = rng_.chance(30);
        if (inverted) feature("lock-order-inversion");
        plan(who[0]).body.push_back({"with la:", "    with lb:", "        lov = lov + 1"});
        plan(who[1]).body.push_back(inverted ? Lines{"with lb:", "    with la:", "        lov = lov + 1"}
                                             : Lines{"with la:", "    with lb:", "        lov = lov + 1"});
        lock_order_ = true;
      }
    }
    if (explicit_main() && rng_.chance(15)) {
      feature("process");
      process_items_ = rng_.between(1, 2);
      process_var_ = rng_.pick(vars_).name;
      process_array_ = std::find_if(vars_.begin(), vars_.end(), [&](const Var& v) { return v.name == process_var_; })->array;
    }
    if (shape_ == Shape::handle_array && rng_.chance(50)) {
      feature("per-thread-array");
      per_thread_array_ = true;
      per_thread_broken_ = out_.intended_racy && rng_.chance(30);
      append(main_post_, {"let " + local() + " = per[0] + per[1]"});
    }
    if (shape_ == Shape::named_spawns && rng_.chance(12)) {
      feature("unjoined");
      unjoined_ = rng_.between(1, workers_);
    }
  }
  bool lock_order_ = false;
  std::string process_var_;
  bool process_array_ = false;

  Lines noise_op() {
    const std::string a = "n" + std::to_string(rng_.below(noise_atomics_));
    const std::vector<std::string> any_order{"relaxed", "acquire", "release", "acq_rel", "seq_cst", ""};
    auto with = [](const std::string& o) { return o.empty() ? std::string() : ", " + o; };
    switch (rng_.below(8)) {
      case 0: return {"let " + local() + " = " + a + ".load(" + order_of({"relaxed", "acquire", "seq_cst"}) + ")"};
      case 1: return {a + ".store(" + num() + with(order_of({"relaxed", "release", "seq_cst", ""})) + ")"};
      case 2: feature("fetch_add"); return {"let " + local() + " = " + a + ".fetch_add(1" + with(order_of(any_order)) + ")"};
      case 3: feature("exchange"); return {a + ".exchange(" + num() + with(order_of(any_order)) + ")"};
      case 4: feature("cas"); return {"let " + local() + " = " + a + ".cas(0, 1" + with(order_of(any_order)) + ")"};
      case 5: return {"let " + local() + " = " + a};
      case 6: return {a + " = " + num()};
      default: feature("fence"); return {"fence"};
    }
  }

  // ---- text -----------------------------------------------------------------------------
  static std::string with_order(const std::string& o) { return o.empty() ? std::string() : ", " + o; }

  Lines receive(const Channel& c, int p) {
    const std::string id = std::to_string(c.id);
    const auto& g = plan(p).guarded[c.id];
    Lines out;
    Lines after;
    if (c.reader_fence) {
      feature("fence");
      after.push_back("fence");
    }
    for (const auto& item : g) append(after, item);
    switch (c.kind) {
      case ChanKind::flag_if: {
        feature("flag");
        if (c.recv_op == "cas") {
          feature("cas");
          out.push_back("if f" + id + ".cas(1, 2" + with_order(c.recv_order) + "):");
        } else {
          out.push_back("if f" + id + ".load(" + c.recv_order + ") != 0:");
        }
        if (after.empty()) after.push_back("yield");
        append(out, after, 1);
        return out;
      }
      case ChanKind::flag_spin:
        feature("spin");
        out = {"while f" + id + ".load(" + c.recv_order + ") == 0:", "    yield"};
        break;
      case ChanKind::semaphore: feature("semaphore"); out = {"s" + id + ".acquire()"}; break;
      case ChanKind::queue: feature("queue"); out = {"let " + local() + " = q" + id + ".get()"}; break;
      case ChanKind::cond:
        feature("cond");
        out = {"with cm" + id + ":", "    while ready" + id + " == 0:", "        cv" + id + ".wait(cm" + id + ")"};
        break;
    }
    append(out, after);
    return out;
  }

  Lines send(const Channel& c) {
    const std::string id = std::to_string(c.id);
    const auto n = c.receivers.size();
    Lines out;
    switch (c.kind) {
      case ChanKind::flag_if:
      case ChanKind::flag_spin:
        if (c.writer_fence) out.push_back("fence");
        if (c.send_op == "store") {
          out.push_back("f" + id + ".store(1" + with_order(c.send_order) + ")");
        } else {
          feature(c.send_op);
          out.push_back("f" + id + "." + c.send_op + "(1" + with_order(c.send_order) + ")");
        }
        break;
      case ChanKind::semaphore:
        for (std::size_t i = 0; i < n; ++i) out.push_back("s" + id + ".release()");
        break;
      case ChanKind::queue:
        for (std::size_t i = 0; i < n; ++i) out.push_back("q" + id + ".put(" + num() + ")");
        break;
      case ChanKind::cond: {
        const std::string notify = n == 1 && rng_.chance(50) ? "notify_one" : "notify_all";
        if (c.explicit_lock) {
          out = {"cm" + id + ".lock()", "ready" + id + " = 1", "cv" + id + "." + notify + "()", "cm" + id + ".unlock()"};
        } else {
          out = {"with cm" + id + ":", "    ready" + id + " = 1", "    cv" + id + "." + notify + "()"};
        }
        break;
      }
    }
    return out;
  }

  // Occasionally a loop or an any() choice around some of the body's items.
  void decorate(std::vector<Lines>& body) {
    if (body.size() >= 1 && rng_.chance(25)) {
      feature("loop");
      const std::size_t start = static_cast<std::size_t>(rng_.below(static_cast<int>(body.size())));
      const std::size_t len = std::min<std::size_t>(body.size() - start, static_cast<std::size_t>(rng_.between(1, 2)));
      Lines loop{rng_.chance(50) ? "repeat 2:" : "for i" + std::to_string(++next_local_) + " in range(2):"};
      for (std::size_t k = start; k < start + len; ++k) append(loop, body[k], 1);
      body.erase(body.begin() + static_cast<std::ptrdiff_t>(start), body.begin() + static_cast<std::ptrdiff_t>(start + len));
      body.insert(body.begin() + static_cast<std::ptrdiff_t>(start), loop);
    }
    if (!body.empty() && rng_.chance(8)) {
      feature("any");
      auto& item = body[static_cast<std::size_t>(rng_.below(static_cast<int>(body.size())))];
      Lines guarded{"if any(0, 1) == 1:"};
      append(guarded, item, 1);
      item = guarded;
    }
  }

  Lines participant_body(int p) {
    ThreadPlan& t = plan(p);
    Lines out;
    for (const auto& item : t.early) append(out, item);
    for (const auto& c : chans_)
      if (std::find(c.receivers.begin(), c.receivers.end(), p) != c.receivers.end()) append(out, receive(c, p));
    rng_.shuffle(t.body);
    decorate(t.body);
    for (const auto& item : t.body) append(out, item);
    for (const auto& c : chans_)
      if (c.sender == p) append(out, send(c));
    for (const auto& item : t.late) append(out, item);
    return out;
  }

  Lines worker_body(int w) {
    Lines out = participant_body(w);
    if (out.empty()) out.push_back("yield");
    return out;
  }

  std::string spawn_args(int w) const {
    return plans_[static_cast<std::size_t>(w)].has_param ? std::to_string(thread_id_of(w)) : std::string();
  }

  void emit() {
    Lines text;
    text.push_back(std::string("# Generated by tests/agreement/program_generator.cpp, seed ") + std::to_string(out_.seed) +
                   (out_.intended_racy ? " (a discipline is broken on purpose)" : " (every discipline kept)"));
    text.push_back("scenario generated_" + std::to_string(out_.seed));
    text.push_back("");
    for (const auto& v : vars_) text.push_back("shared " + v.name + (v.array ? "[" + std::to_string(array_size) + "]" : "") + " = 0");
    if (lock_order_) text.insert(text.end(), {"shared lov = 0", "mutex la", "mutex lb"});
    if (per_thread_array_) text.push_back("shared per[" + std::to_string(array_size) + "] = 0");
    if (shape_ == Shape::handle_array) text.push_back("shared hs[" + std::to_string(array_size) + "] = 0");
    for (int m = 0; m < mutexes_; ++m) text.push_back("mutex m" + std::to_string(m));
    for (int a = 0; a < noise_atomics_; ++a) text.push_back("atomic n" + std::to_string(a) + " = 0");
    for (const auto& c : chans_) {
      const std::string id = std::to_string(c.id);
      switch (c.kind) {
        case ChanKind::flag_if:
        case ChanKind::flag_spin: text.push_back("atomic f" + id + " = 0"); break;
        case ChanKind::semaphore: text.push_back("semaphore s" + id + " = 0"); break;
        case ChanKind::queue: text.push_back("queue q" + id + "[" + std::to_string(array_size) + "]"); break;
        case ChanKind::cond: text.insert(text.end(), {"shared ready" + id + " = 0", "mutex cm" + id, "cond cv" + id}); break;
      }
    }
    if (process_items_ > 0) text.insert(text.end(), {"queue pin[4]", "queue pout[4]"});

    if (process_items_ > 0) {
      // Its writes go to its own copy of the variable: never a race with the threads.
      const std::string l = process_array_ ? process_var_ + "[0]" : process_var_;
      text.insert(text.end(), {"", "process helper(k):", "    repeat k:", "        let pv = pin.get()",
                               "        " + l + " = " + l + " + pv", "        pout.put(pv)"});
    }

    if (shape_ == Shape::handle_array) {
      text.push_back("");
      text.push_back("thread worker(id):");
      Lines body;
      if (per_thread_array_) {
        const std::string at = per_thread_broken_ ? "per[(id + 1) % " + std::to_string(workers_) + "]" : "per[id]";
        body.push_back(at + " = " + at + " + 1");
      }
      for (int w = 1; w <= workers_; ++w) {
        const std::string head = w == 1 ? "if id == 0:" : w == workers_ ? "else:" : "elif id == " + std::to_string(w - 1) + ":";
        body.push_back(head);
        append(body, worker_body(w), 1);
      }
      append(text, body, 1);
    } else {
      for (int w = 1; w <= workers_; ++w) {
        text.push_back("");
        text.push_back("thread t" + std::to_string(w) + (plan(w).has_param ? "(id):" : ":"));
        append(text, worker_body(w), 1);
      }
    }

    if (explicit_main()) {
      text.push_back("");
      text.push_back("main:");
      Lines m;
      for (const auto& l : main_pre_) m.push_back(l);
      if (shape_ == Shape::handle_array) {
        m.insert(m.end(), {"for si in range(" + std::to_string(workers_) + "):", "    hs[si] = spawn worker(si)"});
      } else {
        for (int w = 1; w <= workers_; ++w) {
          const std::string as = rng_.chance(25) ? " as \"W" + std::to_string(w) + "\"" : "";
          const std::string spawn = "spawn t" + std::to_string(w) + "(" + spawn_args(w) + ")" + as;
          m.push_back(w == unjoined_ ? spawn : "let h" + std::to_string(w) + " = " + spawn);
        }
      }
      if (process_items_ > 0) {
        m.push_back("let ph = spawn helper(" + std::to_string(process_items_) + ")");
        for (int i = 0; i < process_items_; ++i) m.push_back("pin.put(" + num() + ")");
      }
      if (main_takes_part_) append(m, participant_body(0));
      for (int i = 0; i < process_items_; ++i) m.push_back("let " + local() + " = pout.get()");
      if (shape_ == Shape::handle_array) {
        m.insert(m.end(), {"for ji in range(" + std::to_string(workers_) + "):", "    join hs[ji]"});
      } else {
        for (int w = 1; w <= workers_; ++w)
          if (w != unjoined_) m.push_back("join h" + std::to_string(w));
      }
      if (process_items_ > 0) m.push_back(rng_.chance(50) ? "join ph" : "let " + local() + " = join ph");
      for (const auto& l : main_post_) m.push_back(l);
      append(text, m, 1);
    }

    for (const auto& l : text) {
      out_.text += l;
      out_.text += '\n';
    }
  }
};

}  // namespace

GeneratedProgram generate_program(std::uint64_t seed) { return Generator(seed).run(); }

std::string generated_name(std::uint64_t seed) { return "generated-" + std::to_string(seed) + ".scn"; }

}  // namespace interleave::test
