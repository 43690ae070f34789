using System.Collections.Immutable;

namespace ActorMesh.Topology;

/// <summary>An API gateway (edge proxy): the entry point clients call.</summary>
public sealed record GatewaySpec
{
    /// <summary>Gateway name, unique among gateways and services.</summary>
    public required string Name { get; init; }

    /// <summary>Routes, matched by longest path prefix.</summary>
    public ImmutableArray<RouteSpec> Routes { get; init; } = [];

    /// <summary>One-way latency of the client's link to this gateway (a mobile link: ~40 ms each way). Default zero.</summary>
    public Distribution ClientLatency { get; init; } = Distribution.Zero;
}

/// <summary>A gateway route: requests whose path starts with <see cref="Prefix"/> go to <see cref="Service"/>.</summary>
public sealed record RouteSpec
{
    /// <summary>Path prefix, e.g. "/orders".</summary>
    public required string Prefix { get; init; }

    /// <summary>Destination service.</summary>
    public required string Service { get; init; }
}
