declare module 'qlobber' {
  /** A set of MQTT-style topic filters that says whether a topic matches any of them. */
  export class QlobberTrue {
    constructor(options: {
      separator?: string;
      wildcard_one?: string;
      wildcard_some?: string;
      match_empty_levels?: boolean;
    });
    add(filter: string): this;
    test(topic: string): boolean;
  }
}
