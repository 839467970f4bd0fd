import { cidrContains, cidrProblem, isBroad, parseCidr, reachesInternet } from '../../constructs/_cidr';
import { _parseQuantity, parseQuantity } from '../../constructs/_quantity';

describe('CIDRs (constructs and policies share one parser)', () => {
  it.each([
    ['10.0.0.0/33', 'has prefix /33, above /32'],
    ['999.999.999.999/8', 'has no valid IP address ("999.999.999.999")'],
    ['10.1/8', 'has no valid IP address ("10.1")'],
    ['0x0a.0.0.0/8', 'has no valid IP address ("0x0a.0.0.0")'],
    ['fd00::/129', 'has prefix /129, above /128'],
    ['api.openai.com', 'is not address/prefix'],
  ])('refuses %s', (text, problem) => {
    expect(cidrProblem(text)).toBe(problem);
    expect(() => parseCidr(text)).toThrow(problem);
  });
  it.each(['0.0.0.0/0', '151.101.0.0/16', '2001:db8::/32', '::/0'])('accepts %s', (text) => expect(cidrProblem(text)).toBeUndefined());
  it('tells containment, breadth and reach', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8'), parseCidr('10.1.0.0/16'))).toBe(true);
    expect(cidrContains(parseCidr('151.101.0.0/16'), parseCidr('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), parseCidr('fd00::/8'))).toBe(false);
    expect(isBroad(parseCidr('0.0.0.0/1'))).toBe(true);
    expect(isBroad(parseCidr('151.101.0.0/16'))).toBe(false);
    expect(reachesInternet(parseCidr('10.2.0.0/16'))).toBe(false);
    expect(reachesInternet(parseCidr('151.101.0.0/16'))).toBe(true);
  });
});

describe('quantities (one parser)', () => {
  it.each<[unknown, number | undefined]>([
    ['500m', 0.5], ['2Gi', 2 * 2 ** 30], ['1e3', 1000], ['1.5', 1.5], [3, 3], ['12Zi', undefined], ['1e400', undefined], [Infinity, undefined], ['', undefined],
  ])('%j is %j', (q, v) => expect(parseQuantity(q)).toBe(v));
  it('refuses negative and malformed values naming the field', () => {
    expect(() => _parseQuantity('-1', 'resources.cpu')).toThrow('resources.cpu: "-1" is not a Kubernetes quantity');
    expect(() => _parseQuantity('lots', 'resources.memory')).toThrow('resources.memory: "lots" is not a Kubernetes quantity');
  });
});
