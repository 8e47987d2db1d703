import { describe, expect, it } from 'vitest';
import { announcementText, estimatedWaitS, pinyinNumber } from './announce.ts';

describe('estimated wait', () => {
  it('position × (mean handle time + wrap-up) / staffed agents, rounded up to a second', () => {
    expect(estimatedWaitS({ position: 1, staffed: 1, handleTimesMs: [50_000, 70_000], wrapUpS: 10 })).toBe(70);
    expect(estimatedWaitS({ position: 3, staffed: 2, handleTimesMs: [60_000], wrapUpS: 0 })).toBe(90);
    expect(estimatedWaitS({ position: 1, staffed: 4, handleTimesMs: [1_001], wrapUpS: 0 })).toBe(1);
  });
  it('no estimate without history or with nobody staffed', () => {
    expect(estimatedWaitS({ position: 1, staffed: 2, handleTimesMs: [], wrapUpS: 10 })).toBeNull();
    expect(estimatedWaitS({ position: 1, staffed: 0, handleTimesMs: [60_000], wrapUpS: 10 })).toBeNull();
  });
});

describe('announcement text', () => {
  it('says the position, the wait in minutes and the exit key', () => {
    expect(announcementText({ voice: 'en-us', position: 2, waitS: 130, exit: { key: '*', to: 'voicemail' } }))
      .toBe('You are number 2 in the queue. Your estimated wait is about 3 minutes. To leave a message, press star.');
    expect(announcementText({ voice: 'en-us', position: null, waitS: 20, exit: { key: '0', to: 'queue' } }))
      .toBe('Your estimated wait is less than one minute. To leave the queue, press 0.');
    expect(announcementText({ voice: 'en-us', position: null, waitS: null, exit: null })).toBeNull();
  });
  it('Mandarin in pinyin, counts read the Chinese way', () => {
    expect(pinyinNumber(12)).toBe('shi2 er4');
    expect(pinyinNumber(30)).toBe('san1 shi2');
    expect(pinyinNumber(7)).toBe('qi1');
    expect(announcementText({ voice: 'cmn', position: 12, waitS: 90, exit: { key: '#', to: 'voicemail' } }))
      .toBe('nin2 xian4 zai4 pai2 zai4 di4 shi2 er4 wei4. yu4 ji4 deng3 dai4 yue1 er4 fen1 zhong1. liu2 yan2 qing3 an4 jing3 hao4.');
  });
});
