// In-memory documents of every project and database, keyed by full resource name, plus a
// per-collection index so that a query touches only the collections it reads. A commit computes
// every write against a private overlay first and only then applies them, which makes it atomic.
import type { Value, Write } from "./proto";
import { Clock, type Micros } from "./time";
import type { StoredDocument } from "./document";
import { applyWrite, assertTransformLimit, writeTarget } from "./writes";
import { isDescendant, lastSegment, parentCollection } from "./names";

export interface CommittedChange {
  name: string;
  before: StoredDocument | undefined;
  after: StoredDocument | undefined;
}

export interface CommitOutcome {
  commitTime: Micros;
  /** Per write: the document's update time after it (none after a delete) and transform results. */
  results: { updateTime?: Micros; transformResults: Value[] }[];
}

type CommitListener = (changes: CommittedChange[], commitTime: Micros) => void;

export class Store {
  readonly clock = new Clock();
  private readonly documents = new Map<string, StoredDocument>();
  /** collection path -> its documents (documents directly inside it). */
  private readonly collections = new Map<string, Map<string, StoredDocument>>();
  /** collection id -> paths of the collections with that id (collection group queries). */
  private readonly collectionsById = new Map<string, Set<string>>();
  private readonly listeners = new Set<CommitListener>();

  get(name: string): StoredDocument | undefined {
    return this.documents.get(name);
  }

  /** Documents directly in one collection. */
  collection(path: string): Iterable<StoredDocument> {
    return this.collections.get(path)?.values() ?? [];
  }

  /** Paths of collections below `ancestor` (a document or documents root), optionally by id. */
  *collectionsBelow(ancestor: string, collectionId?: string): Iterable<string> {
    const paths = collectionId ? (this.collectionsById.get(collectionId) ?? []) : this.collections.keys();
    for (const path of paths) if (isDescendant(path, ancestor)) yield path;
  }

  /** Listeners run synchronously after each commit is applied, in commit order. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies all writes or none: a failing write throws before anything is stored. */
  commit(writes: Write[]): CommitOutcome {
    assertTransformLimit(writes);
    const commitTime = this.clock.next();
    const overlay = new Map<string, StoredDocument | undefined>();
    const results: CommitOutcome["results"] = [];
    for (const write of writes) {
      const name = writeTarget(write);
      const current = overlay.has(name) ? overlay.get(name) : this.documents.get(name);
      const outcome = applyWrite(current, write, commitTime);
      overlay.set(name, outcome.next);
      results.push({ updateTime: outcome.next?.updateTime, transformResults: outcome.transformResults });
    }
    const changes: CommittedChange[] = [];
    for (const [name, after] of overlay) {
      const before = this.documents.get(name);
      if (before === after) continue;
      if (after) this.put(after);
      else this.remove(name);
      changes.push({ name, before, after });
    }
    if (changes.length > 0) this.notify(changes, commitTime);
    return { commitTime, results };
  }

  /** A failing listener must not fail a commit that is already applied. */
  private notify(changes: CommittedChange[], commitTime: Micros): void {
    for (const listener of this.listeners) {
      try {
        listener(changes, commitTime);
      } catch (err) {
        console.error("local-firestore: a commit listener failed:", err);
      }
    }
  }

  /** Drops every document whose name starts with `prefix` (a project or database), silently. */
  clear(prefix: string): void {
    for (const name of [...this.documents.keys()]) if (name.startsWith(prefix)) this.remove(name);
  }

  private put(doc: StoredDocument): void {
    this.documents.set(doc.name, doc);
    const path = parentCollection(doc.name);
    let collection = this.collections.get(path);
    if (!collection) {
      collection = new Map();
      this.collections.set(path, collection);
      const id = lastSegment(path);
      let paths = this.collectionsById.get(id);
      if (!paths) this.collectionsById.set(id, (paths = new Set()));
      paths.add(path);
    }
    collection.set(doc.name, doc);
  }

  private remove(name: string): void {
    this.documents.delete(name);
    const path = parentCollection(name);
    const collection = this.collections.get(path);
    if (!collection) return;
    collection.delete(name);
    if (collection.size > 0) return;
    this.collections.delete(path);
    const id = lastSegment(path);
    const paths = this.collectionsById.get(id);
    paths?.delete(path);
    if (paths?.size === 0) this.collectionsById.delete(id);
  }
}
