#!/usr/bin/env python3
"""What one benchmark phase cost each process, for bench/sizing.sh.

  probe.py snapshot                   one JSON line: CPU ticks of the API(s), PostgreSQL and Redis (each with its live
                                      children), the machine's busy ticks, PostgreSQL's WAL and row counters, Redis's
                                      memory, keys and commands, the API's memory
  probe.py delta BEFORE AFTER LINE [SETTLED]
                                      the phase's cost per request (PostgreSQL's counters from SETTLED, a snapshot
                                      taken once its statistics have been reported, when given), as "name=value" pairs appended to the generator's
                                      LINE ("rps=… ok=…"): API/PostgreSQL/Redis CPU ms per request, requests per API
                                      core-second, commits, rows, WAL bytes and WAL syncs per 100 requests, Redis bytes,
                                      keys and commands per request, the API's resident and peak memory (MiB)
Environment: API_PIDS (space-separated), PG_PID, REDIS_PID, PG_PORT, REDIS_PORT, PG_DB (authdb).
"""
import json, os, subprocess, sys

TICK = os.sysconf("SC_CLK_TCK")


def stats():
    """pid → (ppid, utime+stime) for every live process."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                text = open(f"/proc/{name}/stat").read()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2:].split()
            table[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
    return table


def tree_ticks(table, root):
    """A process's CPU, its live descendants' and that of its children which have exited (cutime/cstime)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1] + (table[pid][2] if pid == root else 0)
            todo += [child for child, row in table.items() if row[0] == pid]
    return total


def psql(sql):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", os.environ["PG_PORT"], "-U", "postgres", "-d",
                          os.environ.get("PG_DB", "authdb"), "-qAt", "-F", " ", "-c", sql],
                         capture_output=True, text=True, check=True).stdout.split()
    return [float(x) for x in out]


def redis_info():
    out = subprocess.run(["redis-cli", "-p", os.environ["REDIS_PORT"], "info"], capture_output=True, text=True, check=True).stdout
    info = dict(line.split(":", 1) for line in out.splitlines() if ":" in line and not line.startswith("#"))
    keys = sum(int(v.split(",")[0].split("=")[1]) for k, v in info.items() if k.startswith("db"))
    return float(info["used_memory"]), float(keys), float(info["total_commands_processed"])


def memory_mib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def snapshot():
    table = stats()
    cpu = open("/proc/stat").readline().split()[1:]
    apis = [int(p) for p in os.environ["API_PIDS"].split()]
    commits, rows, wal_bytes = psql("select xact_commit, tup_inserted + tup_updated + tup_deleted, "
                                    "pg_current_wal_lsn() - '0/0' from pg_stat_database where datname = current_database()")
    # pg_stat_wal as JSON: PostgreSQL 18 moved the sync count out of it (to pg_stat_io); then no syncs are reported.
    wal = json.loads(subprocess.run(["psql", "-h", "127.0.0.1", "-p", os.environ["PG_PORT"], "-U", "postgres", "-d",
                                     os.environ.get("PG_DB", "authdb"), "-qAt", "-c", "select to_jsonb(w) from pg_stat_wal w"],
                                    capture_output=True, text=True, check=True).stdout)
    wal_records, wal_syncs = float(wal["wal_records"]), float(wal.get("wal_sync", "nan"))
    used, keys, commands = redis_info()
    return {
        "api": sum(tree_ticks(table, p) for p in apis), "pg": tree_ticks(table, int(os.environ["PG_PID"])),
        "redis": tree_ticks(table, int(os.environ["REDIS_PID"])),
        "busy": sum(int(x) for x in cpu) - int(cpu[3]) - int(cpu[4]), "all": sum(int(x) for x in cpu),
        "commits": commits, "rows": rows, "wal_bytes": wal_bytes, "wal_records": wal_records, "wal_syncs": wal_syncs,
        "redis_bytes": used, "redis_keys": keys, "redis_commands": commands,
        "rss": sum(memory_mib(p, "VmRSS") for p in apis), "hwm": max(memory_mib(p, "VmHWM") for p in apis),
    }


PG_COUNTERS = ("commits", "rows", "wal_bytes", "wal_records", "wal_syncs")


def delta(before, after, line, settled=None):
    b, a = json.load(open(before)), json.load(open(after))
    if settled:
        a.update({k: v for k, v in json.load(open(settled)).items() if k in PG_COUNTERS})
    result = dict(kv.split("=") for kv in line.split())
    n = max(float(result.get("ok", 0)), 1.0)
    d = {k: a[k] - b[k] for k in b}
    ms = lambda ticks: ticks * 1000 / TICK / n
    result.update({
        "api_ms": f"{ms(d['api']):.3f}", "pg_ms": f"{ms(d['pg']):.3f}", "redis_ms": f"{ms(d['redis']):.3f}",
        "per_api_core": f"{n / max(d['api'] / TICK, 1e-9):.1f}",
        "machine_busy": f"{d['busy'] / max(d['all'], 1):.2f}",
        "commits_per100": f"{d['commits'] * 100 / n:.1f}", "rows_per100": f"{d['rows'] * 100 / n:.1f}",
        "wal_bytes_per100": f"{d['wal_bytes'] * 100 / n:.0f}", "wal_records_per100": f"{d['wal_records'] * 100 / n:.1f}",
        "wal_syncs_per100": f"{d['wal_syncs'] * 100 / n:.1f}",
        "redis_bytes_per": f"{d['redis_bytes'] / n:.1f}", "redis_keys_per": f"{d['redis_keys'] / n:.2f}",
        "redis_commands_per": f"{d['redis_commands'] / n:.2f}",
        "api_rss_mib": f"{a['rss']:.0f}", "api_peak_mib": f"{a['hwm']:.0f}",
    })
    return " ".join(f"{k}={v}" for k, v in result.items())


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        print(json.dumps(snapshot()))
    else:
        print(delta(*sys.argv[2:6]))
