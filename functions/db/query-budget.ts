// D1 answers at most 1,000 queries per Worker invocation (each statement of a batch counts). Work
// that could grow with the number of funds (the recompute) runs through a counting view of the
// database and stops, leaving the rest queued, before the next step could cross its budget.

export class QueryBudget {
  spent = 0;
  /** The most one step has cost so far: what the next one is expected to cost. */
  private largestStep = 0;
  private steps = 0;

  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Whether another step fits, if it costs about as much as the largest so far. The first step is
   * always allowed, so every invocation makes progress.
   */
  allows(): boolean {
    return this.steps === 0 || this.spent + this.largestStep <= this.limit;
  }

  /** Runs one step, remembering what it cost. */
  async step<T>(work: () => Promise<T>): Promise<T> {
    const before = this.spent;
    try {
      return await work();
    } finally {
      this.steps += 1;
      this.largestStep = Math.max(this.largestStep, this.spent - before);
    }
  }

  /** The database, counting every query run through it against this budget. */
  watch(db: D1Database): D1Database {
    const count = (queries: number) => {
      this.spent += queries;
    };
    const counted = (statement: D1PreparedStatement): D1PreparedStatement => {
      const view = new Proxy(statement, {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (typeof value !== "function") return value;
          if (property === "bind") {
            return (...values: unknown[]) => counted(value.apply(target, values) as D1PreparedStatement);
          }
          if (property === "first" || property === "all" || property === "run" || property === "raw") {
            return (...args: unknown[]) => {
              count(1);
              return value.apply(target, args);
            };
          }
          return value.bind(target);
        },
      });
      originals.set(view, statement);
      return view;
    };
    return new Proxy(db, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property === "prepare") return (query: string) => counted(target.prepare(query));
        if (property === "batch") {
          return (statements: D1PreparedStatement[]) => {
            count(statements.length);
            return target.batch(statements.map(unwrap));
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

/** The runtime's batch wants its own statements, not our counting views of them. */
const originals = new WeakMap<object, D1PreparedStatement>();

function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
  return originals.get(statement) ?? statement;
}
