using ActorMesh.Scenarios.Yaml;

namespace ActorMesh.Tests.Scenarios.Yaml;

/// <summary>Modules, data stores, start-up time, trace sampling, deploys and rollbacks in topology files.</summary>
public class ArchitectureYamlTests
{
    [Fact]
    public void Modules_stores_and_deploys_read_into_the_model()
    {
        var result = TopologyFile.Parse("""
            name: shop
            services:
              - name: monolith
                startupTime: 2s
                stores: [orders.db]
                modules:
                  - name: web
                    script: [ { module: orders }, { read: catalog.db } ]
                  - name: orders
                    serviceTime: 200us
                    errors: { rate: 1%, status: 500 }
                    script: [ { write: { store: orders.db, latency: 2ms } } ]
                script: [ { module: web } ]
              - name: catalog
                stores: [catalog.db]
            load: { duration: 5s, traceSampling: 10% }
            timeline:
              - at: 1s
                deploy: { service: monolith, version: r2, healthy: false, serviceTime: 3ms }
              - at: 3s
                rollback: monolith
            """, "shop.yaml");

        Assert.True(result.Ok, string.Join("\n", result.Problems));
        var t = result.Topology!;
        var monolith = t.Service("monolith")!;
        Assert.Equal(Distribution.Constant(2000), monolith.StartupTime);
        Assert.Equal(["orders.db"], monolith.Stores.AsEnumerable());
        Assert.Equal(new ModuleStep("web"), monolith.Script[0]);
        var web = monolith.Module("web")!;
        Assert.Equal(new StoreStep("catalog.db", false, StoreStep.DefaultLatency), web.Script[1]);
        var orders = monolith.Module("orders")!;
        Assert.Equal(Distribution.Constant(0.2), orders.ServiceTime);
        Assert.Equal(new StoreStep("orders.db", true, Distribution.Constant(2)), orders.Script[0]);
        Assert.Equal(0.1, t.Load.TraceSampling);
        Assert.Equal(new DeployEvent("monolith", "r2", false, Distribution.Constant(3)), t.Timeline[0].Event);
        Assert.Equal(new RollbackEvent("monolith"), t.Timeline[1].Event);
    }

    [Fact]
    public void Unknown_modules_unowned_stores_module_cycles_and_a_rollback_before_any_deploy_are_reported()
    {
        var result = TopologyFile.Parse("""
            name: shop
            services:
              - name: monolith
                stores: [orders.db]
                modules:
                  - name: a
                    script: [ { module: b } ]
                  - name: b
                    script: [ { module: a } ]
                script: [ { module: c }, { read: ordrs.db } ]
              - name: reports
                stores: [orders.db]
            load: { duration: 5s }
            timeline:
              - at: 1s
                rollback: monolith
            """, "shop.yaml");

        var messages = result.Problems.Select(p => $"{p.Path}: {p.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("services[0].script[0].module: no module named 'c' in 'monolith'"));
        Assert.Contains(messages, m => m.StartsWith("services[0].script[1].read: no service owns a store named 'ordrs.db' (did you mean 'orders.db'?)"));
        Assert.Contains(messages, m => m.StartsWith("services[0].modules: modules call each other in a cycle: a → b → a"));
        Assert.Contains(messages, m => m.StartsWith("services[1].stores[0]: store 'orders.db' is already owned by 'monolith'"));
        Assert.Contains(messages, m => m.StartsWith("timeline[0].rollback: 'monolith' is not deployed earlier in the timeline"));
    }
}
