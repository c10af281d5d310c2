import type { TrafficOptions } from './options.ts';

/** The topics a device publishes to, learnt during its first publishes, at most `maxTopics`. */
export interface TopicSet {
  topics: string[];
  /** The latest topic, checked first: most devices publish to one topic again and again. */
  lastTopic: string;
}

export function createTopicSet(): TopicSet {
  return { topics: [], lastTopic: '' };
}

/**
 * Records a publish to `topic` by a device that has made `publishes` publishes before.
 * Returns true when the topic is new to a device past its warm-up.
 */
export function learnTopic(
  t: TopicSet,
  topic: string,
  publishes: number,
  o: TrafficOptions,
): boolean {
  if (topic === t.lastTopic) return false;
  t.lastTopic = topic;
  if (t.topics.includes(topic)) return false;
  if (t.topics.length < o.maxTopics) t.topics.push(topic);
  return publishes >= o.warmupPublishes;
}
