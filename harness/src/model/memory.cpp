#include "memory.hpp"

#include <algorithm>

namespace interleave {

namespace {
constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();
}  // namespace

// ---- a run --------------------------------------------------------------------------------

void Memory::reset(const std::vector<std::int64_t>& initial) {
  messages_.clear();
  for (auto& o : mo_) o.clear();
  mo_.resize(atomics_);
  spaces_ = 1;
  for (std::uint32_t a = 0; a < atomics_; ++a) {
    mo_[a].push_back(add_message(a < initial.size() ? initial[a] : 0, a));
  }
  thread_count_ = 0;
  for (auto& v : sync_) v.clear();
  for (auto& q : items_) q.clear();
}

void Memory::new_thread(std::uint32_t thread, std::optional<std::uint32_t> parent) {
  if (threads_.size() <= thread) threads_.resize(thread + 1);
  thread_count_ = std::max(thread_count_, thread + 1);
  ThreadState& t = threads_[thread];
  if (parent) t.cur = threads_[*parent].cur;  // spawn synchronises
  else t.cur.clear();
  t.pending.clear();
  t.released.clear();
  t.fenced = false;
  t.yields = 0;
  t.read_at_yield.assign(mo_.size(), never);
  t.buffer.clear();
}

void Memory::new_space(std::uint32_t space, std::uint32_t copy_of) {
  spaces_ = std::max(spaces_, space + 1);
  mo_.resize(static_cast<std::size_t>(spaces_) * atomics_);
  for (std::uint32_t a = 0; a < atomics_; ++a) {
    const std::uint32_t l = loc(space, a);
    mo_[l].clear();
    mo_[l].push_back(add_message(latest(loc(copy_of, a)), l));
  }
}

std::uint32_t Memory::add_message(std::int64_t value, std::uint32_t loc, std::uint32_t thread, std::uint32_t step,
                                  std::uint32_t site) {
  const auto id = static_cast<std::uint32_t>(messages_.size());
  Message m;
  m.value = value;
  m.loc = loc;
  m.thread = thread;
  m.step = step;
  m.site = site;
  messages_.push_back(m);
  return id;
}

// ---- views --------------------------------------------------------------------------------

void Memory::raise(View& v, std::uint32_t loc, std::uint32_t msg) {
  if (v.size() <= loc) v.resize(loc + 1, none);
  v[loc] = newer(v[loc], msg);
}

void Memory::join_into(View& into, const View& from) {
  if (into.size() < from.size()) into.resize(from.size(), none);
  for (std::size_t i = 0; i < from.size(); ++i) into[i] = newer(into[i], from[i]);
}

Memory::View& Memory::sync(std::uint32_t id) {
  if (sync_.size() <= id) sync_.resize(id + 1);
  return sync_[id];
}

std::uint32_t Memory::floor(std::uint32_t thread, std::uint32_t loc, MemOrder order, bool read) const {
  const ThreadState& t = threads_[thread];
  std::uint32_t bound = at(t.cur, loc);
  if (order == MemOrder::seq_cst && sc_sync_ < sync_.size()) bound = newer(bound, at(sync_[sc_sync_], loc));
  std::uint32_t p = pos(bound);
  // A yielding spin waits for a new store: after a yield, a re-read moves on when it can.
  if (read && loc < t.read_at_yield.size() && t.read_at_yield[loc] != never && t.read_at_yield[loc] != t.yields &&
      p + 1 < mo_[loc].size())
    ++p;
  return p;
}

// ---- accesses -----------------------------------------------------------------------------

const std::vector<std::uint32_t>& Memory::readable(std::uint32_t thread, std::uint32_t loc, MemOrder order) {
  scratch_.clear();
  const auto& mo = mo_[loc];
  if (model_ == MemoryModel::tso) {
    const auto& buf = threads_[thread].buffer;
    for (auto it = buf.rbegin(); it != buf.rend(); ++it)
      if (messages_[*it].loc == loc) {
        scratch_.push_back(*it);  // forwarding: the thread's own newest buffered store
        return scratch_;
      }
  }
  if (model_ != MemoryModel::rc11) {
    scratch_.push_back(mo.back());
    return scratch_;
  }
  const std::uint32_t lo = floor(thread, loc, order, true);
  for (std::size_t p = mo.size(); p-- > lo;) scratch_.push_back(mo[p]);
  return scratch_;
}

const std::vector<std::uint32_t>& Memory::rmw_readable(std::uint32_t thread, std::uint32_t loc, MemOrder order,
                                                       std::optional<std::int64_t> expected) {
  scratch_.clear();
  const auto& mo = mo_[loc];
  if (model_ != MemoryModel::rc11) {  // tso: the runtime drained the buffer first
    scratch_.push_back(mo.back());
    return scratch_;
  }
  const std::uint32_t lo = floor(thread, loc, order, true);
  for (std::size_t p = mo.size(); p-- > lo;) {
    const Message& m = messages_[mo[p]];
    // A taken message cannot be read by another RMW that writes; a cas that would fail
    // on it writes nothing, so it may read it.
    const bool fails = expected && m.value != *expected;
    if (!m.taken || fails) scratch_.push_back(mo[p]);
  }
  return scratch_;
}

void Memory::read(std::uint32_t thread, std::uint32_t msg) {
  ThreadState& t = threads_[thread];
  const Message& m = messages_[msg];
  if (!m.visible) return;  // tso: its own buffered store
  raise(t.cur, m.loc, msg);
  if (t.read_at_yield.size() <= m.loc) t.read_at_yield.resize(mo_.size(), never);
  t.read_at_yield[m.loc] = t.yields;
}

std::uint32_t Memory::store_places(std::uint32_t thread, std::uint32_t loc, MemOrder order) {
  places_.clear();
  const auto& mo = mo_[loc];
  places_.push_back(static_cast<std::uint32_t>(mo.size() - 1));
  if (model_ != MemoryModel::rc11) return 1;
  const std::uint32_t lo = floor(thread, loc, order, false);
  for (std::size_t p = mo.size() - 1; p-- > lo;)
    if (!messages_[mo[p]].taken) places_.push_back(static_cast<std::uint32_t>(p));
  return static_cast<std::uint32_t>(places_.size());
}

void Memory::insert(std::uint32_t loc, std::uint32_t after_pos, std::uint32_t msg) {
  auto& mo = mo_[loc];
  const std::uint32_t p = after_pos + 1;
  if (p == mo.size()) [[likely]] {  // the newest store: nothing moves
    mo.push_back(msg);
    messages_[msg].pos = p;
    return;
  }
  mo.insert(mo.begin() + p, msg);
  for (std::size_t k = p; k < mo.size(); ++k) messages_[mo[k]].pos = static_cast<std::uint32_t>(k);
}

std::uint32_t Memory::store(std::uint32_t thread, std::uint32_t loc, std::int64_t value, MemOrder order,
                            std::uint32_t place, std::uint32_t step, std::uint32_t site) {
  const std::uint32_t id = add_message(value, loc, thread, step, site);
  if (model_ == MemoryModel::tso) {
    messages_[id].visible = false;
    threads_[thread].buffer.push_back(id);
    return id;
  }
  insert(loc, places_[place], id);
  ThreadState& t = threads_[thread];
  raise(t.cur, loc, id);
  if (order == MemOrder::seq_cst && model_ == MemoryModel::rc11) raise(sync(sc_sync_), loc, id);
  return id;
}

std::uint32_t Memory::rmw(std::uint32_t thread, std::uint32_t read_msg, std::int64_t value, MemOrder order,
                          std::uint32_t step, std::uint32_t site) {
  const std::uint32_t loc = messages_[read_msg].loc;
  const std::uint32_t id = add_message(value, loc, thread, step, site);
  messages_[read_msg].taken = true;
  insert(loc, messages_[read_msg].pos, id);
  raise(threads_[thread].cur, loc, id);
  if (order == MemOrder::seq_cst && model_ == MemoryModel::rc11) raise(sync(sc_sync_), loc, id);
  return id;
}

std::uint32_t Memory::flush(std::uint32_t thread) {
  auto& buf = threads_[thread].buffer;
  const std::uint32_t id = buf.front();
  buf.pop_front();
  Message& m = messages_[id];
  m.visible = true;
  m.pos = static_cast<std::uint32_t>(mo_[m.loc].size());
  mo_[m.loc].push_back(id);
  return id;
}

// ---- HbListener ---------------------------------------------------------------------------

void Memory::join(std::uint32_t joiner, std::uint32_t joined) { join_into(threads_[joiner].cur, threads_[joined].cur); }

void Memory::acquire(std::uint32_t thread, std::uint32_t s) { join_into(threads_[thread].cur, sync(s)); }

void Memory::release(std::uint32_t thread, std::uint32_t s) { sync(s) = threads_[thread].cur; }

void Memory::release_join(std::uint32_t thread, std::uint32_t s) { join_into(sync(s), threads_[thread].cur); }

void Memory::copy_sync(std::uint32_t to, std::uint32_t from) {
  View copy = sync(from);
  sync(to) = std::move(copy);
}

void Memory::fence(std::uint32_t thread) {
  ThreadState& t = threads_[thread];
  join_into(t.cur, t.pending);
  t.pending.clear();
  join_into(t.cur, sync(sc_sync_));  // fences are totally ordered: each sees what the earlier ones saw
  t.released = t.cur;
  t.fenced = true;
  // The runtime's release_join on the SC object then publishes this view.
}

void Memory::fence_half(std::uint32_t thread, bool acquire, bool release) {
  ThreadState& t = threads_[thread];
  if (acquire) {
    join_into(t.cur, t.pending);
    t.pending.clear();
  }
  if (release) {
    t.released = t.cur;
    t.fenced = true;
  }
}

void Memory::fence_release(std::uint32_t thread, std::uint32_t s) {
  const ThreadState& t = threads_[thread];
  if (t.fenced) sync(s) = t.released;
  else sync(s).clear();
}

void Memory::fence_release_join(std::uint32_t thread, std::uint32_t s) {
  const ThreadState& t = threads_[thread];
  if (t.fenced) join_into(sync(s), t.released);
}

void Memory::fence_acquire_later(std::uint32_t thread, std::uint32_t s) { join_into(threads_[thread].pending, sync(s)); }

void Memory::put_item(std::uint32_t thread, std::uint32_t queue) {
  if (items_.size() <= queue) items_.resize(queue + 1);
  items_[queue].push_back(threads_[thread].cur);
}

void Memory::get_item(std::uint32_t thread, std::uint32_t queue) {
  auto& q = items_[queue];
  join_into(threads_[thread].cur, q.front());
  q.pop_front();
}

}  // namespace interleave
