using ActorMesh.TestKit;
using ActorMesh.Topology;
using Xunit;
using Xunit.Abstractions;

namespace Checkout.Experiments;

public class CheckoutExperiments(ITestOutputHelper output) : VirtualTimeSpec(output)
{
    [Fact]
    public void Retries_on_5xx_hide_one_payments_instance_that_answers_503()
    {
        // The same file the console runs: actormesh run checkout.yaml
        var mesh = StartMesh("checkout.yaml");
        mesh.InjectErrors("payments", rate: 1.0, status: 503, instance: 0);

        var report = RunAndReport(mesh);

        Out.WriteLine(report.Summary());
        report.ShouldBeOk(atLeastPercent: 99).ShouldAddUp().ShouldHaveNoAppRestarts();
    }
}
