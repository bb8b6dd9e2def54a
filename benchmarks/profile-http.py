"""Counts a JFR recording's execution samples by where they ran: the application's own work (Jersey's
ServletContainer.service), the quota filter's own code (a QuotaFilter frame, not inside the application, not the rest
of the filter chain it calls), the store's Hazelcast work, the rest (the container, the JDK). Usage: profile-http.py JFR..."""
import collections
import re
import subprocess
import sys

APP = "org.glassfish.jersey.servlet.ServletContainer.service"
CHAIN = "org.apache.catalina.core.ApplicationFilterChain.doFilter"


def samples(jfr):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "300", jfr],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split("jdk.ExecutionSample {")[1:]:
        yield re.findall(r"^\s+([\w$.<>/]+)\(", block.split("stackTrace = [", 1)[-1], re.M)


def where(frames):
    if any(f.startswith(APP) for f in frames):
        return "application"
    ours = [i for i, f in enumerate(frames) if f.startswith("org.quotaware")]
    if ours:
        # the innermost of our frames calling the rest of the chain is the container's work, as without the filter
        if ours[0] > 0 and frames[ours[0] - 1].startswith(CHAIN):
            return "container"
        return "quotaware"
    if any("hazelcast" in f for f in frames):
        return "hazelcast"
    return "container"


for jfr in sys.argv[1:]:
    counts = collections.Counter(where(f) for f in samples(jfr))
    app = counts["application"] or 1
    total = sum(counts.values())
    print(f"{jfr}: {total} samples, {total / app:.2f} per sample of the application's work; "
          + ", ".join(f"{k} {v} ({v / app:.2f})" for k, v in counts.most_common()))
