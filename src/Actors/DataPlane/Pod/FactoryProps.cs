namespace ActorMesh.DataPlane.Pod;

/// <summary>
/// Props that make their actor with a delegate, for the actors of pods (a pod and its containers):
/// <c>Props.Create(() =&gt; new T(...))</c> builds an expression tree per call, evaluates each argument
/// by reflection and creates the actor through its constructor found by reflection, which at 100,000
/// pods was a large share of the start-up's CPU and garbage. The factory runs again when supervision
/// restarts the actor, like a Props' arguments would. Pods never deploy remotely, so nothing needs to
/// serialize these Props.
/// </summary>
internal sealed class FactoryProps<TActor> : Props where TActor : ActorBase
{
    private readonly Func<TActor> _factory;

    /// <param name="deploy">Dispatcher and mailbox: one instance shared by every pod (see <see cref="MeshRuntime.PodProps{TActor}"/>).</param>
    /// <param name="factory">Makes each instance of the actor.</param>
    public FactoryProps(Deploy deploy, Func<TActor> factory) : base(deploy, typeof(TActor), [])
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public override ActorBase NewActor() => _factory();

    /// <inheritdoc />
    protected override Props Copy() => new FactoryProps<TActor>(Deploy, _factory) { SupervisorStrategy = SupervisorStrategy };
}
