import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthThrottle, DEFAULT_AUTH_THROTTLE } from '../../../main/http/auth-throttle';

describe('AuthThrottle', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('lets ten failures a minute through, then makes the address wait 5 s, 10 s, 20 s… up to 15 minutes', () => {
    const time = clock();
    const throttle = new AuthThrottle(time.now);
    for (let i = 0; i < 10; i++) assert.equal(throttle.refuse('10.0.0.5'), undefined, `failure ${i + 1}`);
    assert.equal(throttle.refuse('10.0.0.5'), 5, 'the eleventh waits 5 s');
    time.advance(2_000);
    assert.equal(throttle.refuse('10.0.0.5'), 3, 'still waiting; a refusal while blocked does not extend it');
    const waits: number[] = [];
    for (let round = 0; round < 10; round++) {
      time.advance((waits.at(-1) ?? 3) * 1000);
      assert.equal(throttle.refuse('10.0.0.5'), undefined, 'one attempt after each wait');
      waits.push(throttle.refuse('10.0.0.5')!);
    }
    assert.deepEqual(waits, [10, 20, 40, 80, 160, 320, 640, 900, 900, 900]);
  });

  it('keeps addresses apart', () => {
    const throttle = new AuthThrottle(clock().now);
    for (let i = 0; i < 11; i++) throttle.refuse('10.0.0.5');
    assert.equal(throttle.refuse('10.0.0.6'), undefined);
  });

  it('forgets an address quiet for an hour, and a new minute gives ten failures again', () => {
    const time = clock();
    const throttle = new AuthThrottle(time.now);
    for (let i = 0; i < 10; i++) throttle.refuse('a');
    time.advance(61_000);
    for (let i = 0; i < 10; i++) assert.equal(throttle.refuse('a'), undefined, 'a new window');
    assert.equal(throttle.refuse('a'), 5);
    time.advance(DEFAULT_AUTH_THROTTLE.forgetAfterMs + 1);
    for (let i = 0; i < 10; i++) assert.equal(throttle.refuse('a'), undefined, 'forgotten: ten free again');
  });

  it('tracks at most maxAddresses, forgetting the quietest first', () => {
    const throttle = new AuthThrottle(clock().now, { ...DEFAULT_AUTH_THROTTLE, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) throttle.refuse(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(throttle.size, 100);
  });
});
