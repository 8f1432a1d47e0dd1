import { certificateNames } from "./normalize";
import { emptyState, type ChangeRecord, type EmulatorState, type EnrollmentRecord } from "./model";

/**
 * The state plus the indexes that keep per-request work independent of the number of enrollments:
 * enrollments by contract, hostnames to enrollments (pre-verification overlap warnings), active changes.
 */
export class Store {
  state: EmulatorState;
  private byContract = new Map<string, Set<number>>();
  private byName = new Map<string, Set<number>>();
  readonly activeChanges = new Set<number>();
  private readonly listeners: Array<() => void> = [];

  constructor(state: EmulatorState = emptyState()) {
    this.state = state;
    this.reindex();
  }

  /** Persistence hooks in here: called after every mutation. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  replace(state: EmulatorState): void {
    this.state = state;
    this.reindex();
    this.changed();
  }

  private reindex(): void {
    this.byContract = new Map();
    this.byName = new Map();
    this.activeChanges.clear();
    for (const e of Object.values(this.state.enrollments)) this.indexEnrollment(e);
    for (const c of Object.values(this.state.changes)) if (c.outcome === "incomplete") this.activeChanges.add(c.id);
  }

  private indexEnrollment(e: EnrollmentRecord): void {
    let set = this.byContract.get(e.contractId);
    if (!set) this.byContract.set(e.contractId, (set = new Set()));
    set.add(e.id);
    for (const name of certificateNames(e.spec)) {
      const key = name.toLowerCase();
      let ids = this.byName.get(key);
      if (!ids) this.byName.set(key, (ids = new Set()));
      ids.add(e.id);
    }
  }

  private unindexEnrollment(e: EnrollmentRecord): void {
    this.byContract.get(e.contractId)?.delete(e.id);
    for (const name of certificateNames(e.spec)) this.byName.get(name.toLowerCase())?.delete(e.id);
  }

  enrollment(id: number): EnrollmentRecord | undefined {
    return this.state.enrollments[String(id)];
  }

  change(id: number): ChangeRecord | undefined {
    return this.state.changes[String(id)];
  }

  enrollmentsOfContract(contractId: string): EnrollmentRecord[] {
    const ids = this.byContract.get(contractId);
    if (!ids) return [];
    return [...ids].sort((a, b) => a - b).map((id) => this.state.enrollments[String(id)]).filter((e): e is EnrollmentRecord => !!e);
  }

  allEnrollments(): EnrollmentRecord[] {
    return Object.values(this.state.enrollments).sort((a, b) => a.id - b.id);
  }

  /** Other enrollments (any contract of this account) that already cover a hostname. */
  enrollmentsWithName(name: string): number[] {
    return [...(this.byName.get(name.toLowerCase()) ?? [])];
  }

  putEnrollment(e: EnrollmentRecord): void {
    const previous = this.state.enrollments[String(e.id)];
    if (previous) this.unindexEnrollment(previous);
    this.state.enrollments[String(e.id)] = e;
    this.indexEnrollment(e);
  }

  /** Re-index after the enrollment's spec changed in place. */
  respec(e: EnrollmentRecord, update: () => void): void {
    this.unindexEnrollment(e);
    update();
    this.indexEnrollment(e);
  }

  removeEnrollment(id: number): void {
    const e = this.state.enrollments[String(id)];
    if (!e) return;
    this.unindexEnrollment(e);
    delete this.state.enrollments[String(id)];
    for (const changeId of e.changeIds) {
      delete this.state.changes[String(changeId)];
      this.activeChanges.delete(changeId);
    }
  }

  putChange(c: ChangeRecord): void {
    this.state.changes[String(c.id)] = c;
    if (c.outcome === "incomplete") this.activeChanges.add(c.id);
    else this.activeChanges.delete(c.id);
  }
}
