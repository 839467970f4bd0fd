import { _cidrEgressRules } from '../../constructs/_network-peers';
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

describe('egress CIDRs of the constructs (library users get the checks too)', () => {
  it.each<[string, object, object, string]>([
    ['a prefix above /32', { cidr: '10.0.0.0/33' }, {}, 'egress[0].cidr: "10.0.0.0/33" is not a CIDR; use e.g. "151.101.0.0/16" (it has prefix /33, above /32)'],
    ['an address that is not one', { cidr: '999.999.999.999/8' }, {}, 'egress[0].cidr: "999.999.999.999/8" is not a CIDR; use e.g. "151.101.0.0/16" (it has no valid IP address ("999.999.999.999"))'],
    ['an except outside its cidr', { cidr: '151.101.0.0/16', except: ['10.0.0.0/8'] }, {}, 'egress[0].except[0]: "10.0.0.0/8" is not strictly inside cidr "151.101.0.0/16"; list only sub-ranges of it'],
    ['the internet for a sandbox', { cidr: '0.0.0.0/0' }, { refuseBroad: true }, 'egress[0].cidr: "0.0.0.0/0" is (nearly) the whole internet; sandboxes run untrusted code, so name the destinations, e.g. "151.101.0.0/16"'],
  ])('refuses %s', (_name, entry, opts, message) => {
    expect(() => _cidrEgressRules([entry as any], 'egress', opts)).toThrow(message);
  });
  it('keeps an agent\'s internet egress with private ranges excepted', () => {
    expect(_cidrEgressRules([{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], ports: [443] }], 'egress')[0].to?.[0].ipBlock).toEqual({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] });
  });
});

describe('quantities (one parser)', () => {
  it.each<[unknown, number | undefined]>([
    ['500m', 0.5], ['2Gi', 2 * 2 ** 30], ['1e3', 1000], ['1.5', 1.5], ['.5', 0.5], [3, 3], ['12Zi', undefined], ['1e3Ki', undefined], ['1e400', undefined], [Infinity, undefined], ['', undefined],
  ])('%j is %j', (q, v) => expect(parseQuantity(q)).toBe(v));
  it('refuses negative and malformed values naming the field', () => {
    expect(() => _parseQuantity('-1', 'resources.cpu')).toThrow('resources.cpu: "-1" is not a Kubernetes quantity');
    expect(() => _parseQuantity('lots', 'resources.memory')).toThrow('resources.memory: "lots" is not a Kubernetes quantity');
  });
});
