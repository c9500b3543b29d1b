#include "replay/audit.h"

namespace jobtrail::replay {

Result<std::vector<AuditedFact>> audit_job(const EventLog& log,
                                           const std::vector<projections::HistoryEntry>& history) {
  std::vector<Transition> transitions;
  std::vector<AuditedFact> facts;
  for (const projections::HistoryEntry& e : history) {
    transitions.push_back(
        Transition{e.seq, e.is_submission, e.from, e.to, e.effective_at_us, e.observed_at_us});
    AuditedFact fact;
    fact.entry = e;
    auto stored = log.read(e.seq);
    if (!stored.ok()) return stored.status();
    auto view = stored->view();
    if (!view.ok()) return view.status();
    const fb::Provenance* p = view->header().provenance();
    fact.source_kind = p->source_kind();
    fact.origin = std::string(sv(p->origin()));
    fact.command = std::string(sv(p->command()));
    fact.offset = p->offset();
    fact.line = p->line();
    fact.poll_id = p->poll_id();
    facts.push_back(std::move(fact));
  }
  for (TransitionFlag& flag : check_transitions(transitions)) {
    facts[flag.index].flags.push_back(std::move(flag));
  }
  return facts;
}

}  // namespace jobtrail::replay
