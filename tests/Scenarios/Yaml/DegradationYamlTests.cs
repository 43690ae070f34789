using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>Optional calls and fallbacks in topology files: how they read, and the problems reported when they make no sense.</summary>
public class DegradationYamlTests
{
    private static string[] Problems(string yaml)
    {
        var result = TopologyFile.Parse(yaml, "shop.yaml");
        Assert.False(result.Ok);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    [Fact]
    public void Optional_calls_and_fallbacks_read_into_the_calls_of_single_steps_and_parallel_groups()
    {
        var result = TopologyFile.Parse("""
            name: shop
            services:
              - name: storefront
                script:
                  - call: { service: reviews, optional: true }
                  - call: { service: pricing, fallback: default }
                  - parallel:
                      - { service: ads, fallback: { type: cache, ttl: 30s }, optional: true }
                      - catalog
              - name: reviews
              - name: pricing
              - name: ads
              - name: catalog
            """, "shop.yaml");

        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Problems));
        var script = result.Topology!.Services[0].Script;
        Assert.Equal(new ServiceCall { Service = "reviews", Optional = true }, ((CallStep)script[0]).Call);
        Assert.Equal(new ServiceCall { Service = "pricing", Fallback = CallFallback.Default }, ((CallStep)script[1]).Call);
        var group = ((ParallelStep)script[2]).Calls;
        Assert.Equal(new ServiceCall { Service = "ads", Optional = true, Fallback = CallFallback.Cache(TimeSpan.FromSeconds(30)) }, group[0]);
        Assert.Equal(new ServiceCall { Service = "catalog" }, group[1]);
    }

    [Fact]
    public void A_fallback_that_makes_no_sense_is_reported_at_its_line_with_what_to_write()
    {
        var problems = Problems("""
            name: shop
            services:
              - name: storefront
                script:
                  - call: { service: reviews, fallback: cache }
                  - call: { service: reviews, fallback: { type: default, ttl: 5s } }
                  - call: { service: reviews, fallback: default, optional: true }
                  - call: { service: reviews, fallback: { type: cache, ttl: -1s } }
                  - call: { service: reviews, fallback: stale }
                  - call: { service: reviews, fallback: { ttl: 5s } }
              - name: reviews
            """);

        Assert.Equal(
            [
                "shop.yaml:5:45: services[0].script[0].call.fallback: a cache fallback needs a ttl, how long a good answer may stand in: { type: cache, ttl: 30s }",
                "shop.yaml:6:67: services[0].script[1].call.fallback.ttl: only a cache fallback has a ttl; a default answer never goes stale",
                "shop.yaml:7:64: services[0].script[2].call.optional: a default fallback always answers, so the call is never skipped: give 'optional' or 'fallback: default', not both",
                "shop.yaml:8:65: services[0].script[3].call.fallback.ttl: must be greater than zero",
                "shop.yaml:9:45: services[0].script[4].call.fallback: unknown value 'stale'; expected one of: default, cache",
                "shop.yaml:10:45: services[0].script[5].call.fallback.type: required key 'type' is missing",
            ],
            problems);
    }

    [Fact]
    public void Optional_and_fallback_beside_a_step_say_they_belong_to_its_call()
    {
        var problems = Problems("""
            name: shop
            services:
              - name: storefront
                script:
                  - call: reviews
                    optional: true
                  - parallel: [reviews]
                    fallback: default
                  - sleep: 1ms
                    fallback: default
              - name: reviews
            """);

        Assert.Equal(
            [
                "shop.yaml:6:9: services[0].script[0].optional: 'optional' is a key of the call, not of the step: write call: { service: reviews, optional: true }",
                "shop.yaml:8:9: services[0].script[1].fallback: 'fallback' is a key of each call of the group, not of the step: write parallel: [ { service: <service>, fallback: default }, ... ]",
                "shop.yaml:10:9: services[0].script[2].fallback: only a call can be optional or fall back; a 'sleep' step makes no call",
            ],
            problems);
    }
}
