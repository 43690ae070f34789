using System.Text;

namespace ActorMesh.Tests.Scenarios.Isotope;

/// <summary>Isotope service graphs made up for tests and measurements.</summary>
internal static class IsotopeGraphs
{
    /// <summary>
    /// A tree of <paramref name="services"/> services with <paramref name="replicas"/> replicas each, as
    /// Istio's performance tests use: svc-0 is the entrypoint, and service i calls its children
    /// 2i+1 and 2i+2 concurrently after a 1 ms sleep.
    /// </summary>
    public static string Tree(int services, int replicas)
    {
        var yaml = new StringBuilder($"defaults:\n  numReplicas: {replicas}\n  requestSize: 1 KB\n  responseSize: 1 KB\nservices:\n");
        for (var i = 0; i < services; i++)
        {
            yaml.Append($"- name: svc-{i}\n");
            if (i == 0) yaml.Append("  isEntrypoint: true\n");
            var children = new[] { 2 * i + 1, 2 * i + 2 }.Where(c => c < services).ToList();
            if (children.Count == 0) continue;
            yaml.Append("  script:\n  - sleep: 1ms\n  -");
            foreach (var c in children) yaml.Append($" - call: svc-{c}\n   ");
            yaml.Length -= 3;
        }
        return yaml.ToString();
    }
}
