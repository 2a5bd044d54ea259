// The `-w table` drawing: tablewriter's rules for what goes in each cell line
// (src/go/tablewriter.ts) drawn by cli-table3, pinned byte for byte.
//
// Where the expectation says "recorded", it is what the real etcdctl 3.4.23
// printed for a one-member etcd 3.4.23 named so (or asked an endpoint that is
// down); etcdctl 3.5 prints the same there. etcdctl 3.4 has an older
// tablewriter, which differs from 3.5's (tablewriter 0.0.5) in two things:
// multi-line cells (3.5 puts a blank line between the lines) and wrapping
// wide characters (3.4 counts characters, 3.5 columns). Those expectations
// are worked out from tablewriter 0.0.5's source instead, and say so.
// The last part runs both CLIs against real servers the harness starts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { layoutCell, renderTable, title } from '../src/go/tablewriter.js';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { getFreePort, releasePorts } from './harness/ports.js';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';

const MEMBER_HEADER = ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'];
const member = (name: string) => ['2943212f5e2cf73', 'started', name, 'http://127.0.0.1:23802', 'http://127.0.0.1:23792', 'false'];
const lines = (...l: string[]) => [...l, ''].join('\n');

describe('widths and wrapping', () => {
  test('a name of wide characters takes two columns each (recorded)', () => {
    assert.equal(renderTable(MEMBER_HEADER, [member('節点-ノード')]), lines(
      '+-----------------+---------+-------------+------------------------+------------------------+------------+',
      '|       ID        | STATUS  |    NAME     |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
      '+-----------------+---------+-------------+------------------------+------------------------+------------+',
      '| 2943212f5e2cf73 | started | 節点-ノード | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '+-----------------+---------+-------------+------------------------+------------------------+------------+',
    ));
  });

  test('fullwidth forms and the ideographic space are two columns, a combining accent none, accented letters one (recorded)', () => {
    assert.equal(renderTable(MEMBER_HEADER, [member('Ｆｕｌｌ　ｗｉｄｔｈ')]), lines(
      '+-----------------+---------+----------------------+------------------------+------------------------+------------+',
      '|       ID        | STATUS  |         NAME         |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
      '+-----------------+---------+----------------------+------------------------+------------------------+------------+',
      '| 2943212f5e2cf73 | started | Ｆｕｌｌ　ｗｉｄｔｈ | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '+-----------------+---------+----------------------+------------------------+------------------------+------------+',
    ));
    assert.equal(renderTable(MEMBER_HEADER, [member('cafe\u0301-node')]), lines(
      '+-----------------+---------+-----------+------------------------+------------------------+------------+',
      '|       ID        | STATUS  |   NAME    |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
      '+-----------------+---------+-----------+------------------------+------------------------+------------+',
      '| 2943212f5e2cf73 | started | cafe\u0301-node | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '+-----------------+---------+-----------+------------------------+------------------------+------------+',
    ));
    assert.equal(renderTable(MEMBER_HEADER, [member('ünïcödé-ñame')]), lines(
      '+-----------------+---------+--------------+------------------------+------------------------+------------+',
      '|       ID        | STATUS  |     NAME     |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
      '+-----------------+---------+--------------+------------------------+------------------------+------------+',
      '| 2943212f5e2cf73 | started | ünïcödé-ñame | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '+-----------------+---------+--------------+------------------------+------------------------+------------+',
    ));
  });

  test('a cell over 30 columns is wrapped at spaces into balanced lines, its column 30 wide (recorded)', () => {
    assert.equal(renderTable(MEMBER_HEADER, [member('a very long member name with many words in it')]), lines(
      '+-----------------+---------+--------------------------------+------------------------+------------------------+------------+',
      '|       ID        | STATUS  |              NAME              |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
      '+-----------------+---------+--------------------------------+------------------------+------------------------+------------+',
      '| 2943212f5e2cf73 | started |   a very long member name with | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '|                 |         |               many words in it |                        |                        |            |',
      '+-----------------+---------+--------------------------------+------------------------+------------------------+------------+',
    ));
  });

  test('the column is 30 wide even when every wrapped line is narrower', () => {
    // 31 columns. The last line costs nothing, so 23 + 7 (a shortfall of 7,
    // cost 49) beats 15 + 15 (cost 225).
    assert.deepEqual(layoutCell('aaaaaaa bbbbbbb ccccccc ddddddd'), { lines: ['aaaaaaa bbbbbbb ccccccc', 'ddddddd'], width: 30 });
    assert.equal(renderTable(['x'], [['aaaaaaa bbbbbbb ccccccc ddddddd']]), lines(
      '+--------------------------------+',
      '|               X                |',
      '+--------------------------------+',
      '|        aaaaaaa bbbbbbb ccccccc |',
      '|                        ddddddd |',
      '+--------------------------------+',
    ));
  });

  test('a word longer than 30 columns widens its column and stays whole', () => {
    const word = 'https://very-long-host-name.example.com:2379';
    assert.equal(renderTable(['endpoint', 'health'], [[`${word} and more`, 'false']]), lines(
      '+----------------------------------------------+--------+',
      '|                   ENDPOINT                   | HEALTH |',
      '+----------------------------------------------+--------+',
      '| https://very-long-host-name.example.com:2379 |  false |',
      '|                                     and more |        |',
      '+----------------------------------------------+--------+',
    ));
  });

  test('wide characters are wrapped by columns, not characters (tablewriter 0.0.5)', () => {
    // Six words of four wide characters: 8 columns each, 53 in all. Three
    // words and two spaces make 26 columns; four would make 35, over 30.
    const text = Array.from({ length: 6 }, () => '東京都庁').join(' ');
    const { lines: got, width } = layoutCell(text);
    assert.deepEqual(got, ['東京都庁 東京都庁 東京都庁', '東京都庁 東京都庁 東京都庁']);
    assert.equal(width, 30);
    assert.equal(renderTable(['name'], [[text]]), lines(
      '+--------------------------------+',
      '|              NAME              |',
      '+--------------------------------+',
      '|     東京都庁 東京都庁 東京都庁 |',
      '|     東京都庁 東京都庁 東京都庁 |',
      '+--------------------------------+',
    ));
  });

  test('spaces in a cell are kept as they are, leading, doubled and trailing', () => {
    assert.equal(renderTable(['a', 'b'], [['  x  y ', ' ']]), lines(
      '+---------+---+',
      '|    A    | B |',
      '+---------+---+',
      '|   x  y  |   |',
      '+---------+---+',
    ));
  });
});

describe('multi-line cells (tablewriter 0.0.5)', () => {
  test('each line is a paragraph, with a blank line between; the other cells of the row are blank below', () => {
    assert.deepEqual(layoutCell('two\nlines'), { lines: ['two', ' ', 'lines'], width: 5 });
    assert.equal(renderTable(MEMBER_HEADER, [member('two\nlines'), member('n2')]), lines(
      '+-----------------+---------+-------+------------------------+------------------------+------------+',
      '|       ID        | STATUS  | NAME  |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
      '+-----------------+---------+-------+------------------------+------------------------+------------+',
      '| 2943212f5e2cf73 | started |   two | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '|                 |         |       |                        |                        |            |',
      '|                 |         | lines |                        |                        |            |',
      '| 2943212f5e2cf73 | started |    n2 | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
      '+-----------------+---------+-------+------------------------+------------------------+------------+',
    ));
  });

  test('a long paragraph among short ones is wrapped on its own, all to the same 30 columns', () => {
    const text = 'short\nmemberID:9009370488483034218 alarm:NOSPACE\n';
    assert.deepEqual(layoutCell(text), {
      lines: ['short', ' ', 'memberID:9009370488483034218', 'alarm:NOSPACE', ' ', ''],
      width: 30,
    });
    assert.equal(renderTable(['ep', 'errors'], [['127.0.0.1:2379', text]]), lines(
      '+----------------+--------------------------------+',
      '|       EP       |             ERRORS             |',
      '+----------------+--------------------------------+',
      '| 127.0.0.1:2379 |                          short |',
      '|                |                                |',
      '|                |   memberID:9009370488483034218 |',
      '|                |                  alarm:NOSPACE |',
      '|                |                                |',
      '|                |                                |',
      '+----------------+--------------------------------+',
    ));
  });

  test('a multi-line header is centred line by line', () => {
    assert.equal(renderTable(['first\nsecond'], [['1']]), lines(
      '+--------+',
      '| FIRST  |',
      '|        |',
      '| SECOND |',
      '+--------+',
      '|      1 |',
      '+--------+',
    ));
  });
});

describe('headers', () => {
  test('Title(): "_" is a space, "." too unless between digits or spaces; trimmed, upper case', () => {
    assert.equal(title('raft applied index'), 'RAFT APPLIED INDEX');
    assert.equal(title('db_size'), 'DB SIZE');
    assert.equal(title('member.id'), 'MEMBER ID');
    assert.equal(title('v.3'), 'V 3'); // a letter on one side is enough
    assert.equal(title('v3.5'), 'V3.5');
    assert.equal(title('rate 0.5'), 'RATE 0.5');
    assert.equal(title('a_.1'), 'A .1'); // '_' was already a space when '.' is looked at
    assert.equal(title('_id_'), 'ID');
    assert.equal(title('__'), ' '); // trims to nothing but was not empty: one space
    assert.equal(title(''), '');
    assert.equal(title('straße'), 'STRAßE'); // Go upper-cases rune by rune
  });

  test('a column is as wide as the header before Title(), the titled header centred in it', () => {
    assert.equal(renderTable(['_id_', 'db.size', 'x'], [['7', '25 kB', '']]), lines(
      '+------+---------+---+',
      '|  ID  | DB SIZE | X |',
      '+------+---------+---+',
      '|    7 |   25 kB |   |',
      '+------+---------+---+',
    ));
  });

  test('an odd gap puts the extra space on the right', () => {
    assert.equal(renderTable(['ab'], [['abcde']]), lines(
      '+-------+',
      '|  AB   |',
      '+-------+',
      '| abcde |',
      '+-------+',
    ));
  });
});

describe('no rows', () => {
  test('the header alone, with the rule under it and the bottom rule (recorded)', () => {
    assert.equal(renderTable(['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'], []), lines(
      '+----------+----+---------+---------+-----------+------------+-----------+------------+--------------------+--------+',
      '| ENDPOINT | ID | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |',
      '+----------+----+---------+---------+-----------+------------+-----------+------------+--------------------+--------+',
      '+----------+----+---------+---------+-----------+------------+-----------+------------+--------------------+--------+',
    ));
    assert.equal(renderTable(['endpoint', 'hash'], []), lines(
      '+----------+------+',
      '| ENDPOINT | HASH |',
      '+----------+------+',
      '+----------+------+',
    ));
  });

  test('a multi-line header with no rows', () => {
    assert.equal(renderTable(['a\nb'], []), lines('+---+', '| A |', '|   |', '| B |', '+---+', '+---+'));
  });
});

test('no colour codes, and nothing cut short with "…"', () => {
  const long = 'x'.repeat(100);
  const out = renderTable(['h'], [[long], ['節'.repeat(40)], ['😀 ok']]);
  assert.ok(!out.includes('\x1b'), JSON.stringify(out));
  assert.ok(!out.includes('…'), out);
  assert.ok(out.includes(`| ${long} |`), out);
  assert.ok(out.includes(`| ${' '.repeat(20)}${'節'.repeat(40)} |`), out);
});

// The real etcdctl and ours, on servers the harness starts (loopback only).
describe('against the real etcdctl', { timeout: 120_000 }, () => {
  const servers: EtcdHandle[] = [];
  let downPort = 0;
  before(async () => {
    servers.push(await startEtcd({ name: '節点-ノード' }));
    servers.push(await startEtcd({ name: 'a very long member name with many words in it' }));
    downPort = await getFreePort(); // nothing listens there
  });
  after(async () => {
    for (const s of servers) await s.stop();
    releasePorts([downPort]);
  });

  const view = (r: RunResult) => ({ stdout: r.stdout.toString('utf8'), stderr: stripZapLines(r.stderr), code: r.code });
  async function same(args: string[]): Promise<RunResult> {
    const real = await runReal(args);
    const ours = await runOurs(args);
    assert.deepEqual(view(ours), view(real), `etcdctl ${args.join(' ')}`);
    assert.ok(ours.stdout.equals(real.stdout), `stdout bytes of ${args.join(' ')}`);
    return ours;
  }

  test('member list -w table with a wide-character name and with a name that wraps', async () => {
    for (const s of servers) {
      const ours = await same([`--endpoints=${s.endpoints[0]}`, 'member', 'list', '-w', 'table']);
      assert.match(ours.stdout.toString(), s.memberNames[0].includes(' ') ? /\n\|[ |]+many words in it \|/ : /\| 節点-ノード \|/);
    }
  });

  test('endpoint status and hashkv -w table when the only endpoint is down: the header alone', async () => {
    const ep = [`--endpoints=127.0.0.1:${downPort}`, '--dial-timeout=300ms', '--command-timeout=500ms'];
    for (const cmd of ['status', 'hashkv']) {
      const ours = await same([...ep, 'endpoint', cmd, '-w', 'table']);
      assert.equal(ours.stdout.toString().split('\n').length, 5, ours.stdout.toString());
    }
  });
});
