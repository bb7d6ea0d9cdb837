#!/usr/bin/env python3
"""The udev rule (contrib/udev/70-burnfs.rules) evaluated on made-up devices.

udev itself cannot be asked without a device in sysfs (`udevadm test` needs
one; `udevadm verify` came after Debian 12's udev 252), so this evaluates
the subset of the rules language the file uses: KEY=="v", KEY!="v",
ENV{K}=="v", GOTO, LABEL, TAG+=, ENV{K}+= and ENV{K}=, with %k. Anything else
in the file fails the check, so the rule cannot grow past what is tested.
tests/pkg-check.sh also has udev's own parser read it (`udevadm test`).
Usage: udev-rule-check.py RULES_FILE
"""
import re
import sys

TOKEN = re.compile(r'\s*([A-Z_]+)(?:\{([A-Za-z_0-9]+)\})?\s*(==|!=|\+=|=)\s*"([^"]*)"\s*(?:,|$)')


def parse(path):
    rules = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        pos, tokens = 0, []
        while pos < len(line):
            m = TOKEN.match(line, pos)
            if not m:
                sys.exit('%s:%d: not understood: %s' % (path, n, line[pos:]))
            tokens.append(m.groups())
            pos = m.end()
        for key, attr, op, value in tokens:
            allowed = {('ACTION', '=='), ('ACTION', '!='), ('SUBSYSTEM', '=='), ('SUBSYSTEM', '!='),
                       ('ENV', '=='), ('ENV', '!='), ('ENV', '+='), ('ENV', '='), ('TAG', '+='),
                       ('GOTO', '='), ('LABEL', '=')}
            if (key, op) not in allowed:
                sys.exit('%s:%d: %s%s is outside what this check evaluates' % (path, n, key, op))
            if key == 'RUN':
                sys.exit('%s:%d: RUN is never used' % (path, n))
        rules.append((n, tokens))
    return rules


def evaluate(rules, dev):
    """dev: ACTION, SUBSYSTEM, KERNEL and ENV properties; returns (ENV, TAGS) after the rules."""
    env, tags = dict(dev['ENV']), set()
    labels = {t[0][3]: i for i, (_, t) in enumerate(rules) if t[0][0] == 'LABEL'}
    i = 0
    while i < len(rules):
        _, tokens = rules[i]
        i += 1
        matched = True
        for key, attr, op, value in tokens:
            if op in ('==', '!='):
                have = env.get(attr, '') if key == 'ENV' else dev[key]
                if (have == value) != (op == '=='):
                    matched = False
                    break
        if not matched:
            continue
        for key, attr, op, value in tokens:
            value = value.replace('%k', dev['KERNEL'])
            if key == 'GOTO':
                i = labels[value]
            elif key == 'TAG':
                tags.add(value)
            elif key == 'ENV' and op == '+=':
                env[attr] = (env.get(attr, '') + ' ' + value).strip()
            elif key == 'ENV' and op == '=':
                env[attr] = value
    return env, tags


def device(action='add', subsystem='block', kernel='sr0', **env):
    base = {'DEVTYPE': 'disk', 'ID_CDROM': '1'}
    base.update(env)
    return {'ACTION': action, 'SUBSYSTEM': subsystem, 'KERNEL': kernel, 'ENV': base}


CASES = [
    ('a CD-R writer', device(ID_CDROM_CD_R='1'), 'burnfs@sr0.service'),
    ('a CD-RW writer, second drive', device(kernel='sr1', ID_CDROM_CD_RW='1'), 'burnfs@sr1.service'),
    ('both, on a change event (a disc inserted)', device(action='change', ID_CDROM_CD_R='1',
                                                          ID_CDROM_CD_RW='1'), 'burnfs@sr0.service'),
    ('a writer whose tray is empty (SYSTEMD_READY=0)',
     device(action='change', ID_CDROM_CD_R='1', SYSTEMD_READY='0'), 'burnfs@sr0.service'),
    ('a CD-ROM reader', device(ID_CDROM_CD='1'), None),
    ('a writer being removed', device(action='remove', ID_CDROM_CD_R='1'), None),
    ('a partition of a writer', device(DEVTYPE='partition', ID_CDROM_CD_R='1'), None),
    ('the writer\'s SCSI generic node', device(subsystem='scsi_generic', kernel='sg0',
                                              ID_CDROM_CD_R='1'), None),
    ('a disk', device(kernel='sda', ID_CDROM='', ID_CDROM_CD_R='0'), None),
]


def main():
    rules = parse(sys.argv[1])
    failed = 0
    print('1..%d' % len(CASES))
    for n, (name, dev, want) in enumerate(CASES, 1):
        env, tags = evaluate(rules, dev)
        wants = env.get('SYSTEMD_WANTS')
        ok = wants == want and (want is None or 'systemd' in tags)
        if not ok:
            failed += 1
        print('%s %d - %s: SYSTEMD_WANTS=%s TAG=%s' % ('ok' if ok else 'not ok', n, name, wants,
                                                     ','.join(sorted(tags)) or '-'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
