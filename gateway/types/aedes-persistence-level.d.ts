declare module 'aedes-persistence-level/asyncPersistence.js' {
  /** Aedes 1.x persistence on an abstract-level database. */
  export default class AsyncLevelPersistence {
    constructor(db: unknown);
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
  }
}
