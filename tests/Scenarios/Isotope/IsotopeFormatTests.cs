using ActorMesh.Scenarios.Isotope;
using YamlDotNet.RepresentationModel;

namespace ActorMesh.Tests.Scenarios.Isotope;

/// <summary>Telling an isotope graph from an ActorMesh topology file, with no flag.</summary>
public class IsotopeFormatTests
{
    private static bool IsIsotope(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return IsotopeFormat.Recognises(stream);
    }

    [Theory]
    [InlineData("defaults: { numReplicas: 2 }\nservices: [ { name: a } ]")]
    [InlineData("apiVersion: v1alpha1\nkind: MockServiceGraph\nservices: [ { name: a } ]")]
    [InlineData("services: [ { name: a, numReplicas: 2 } ]")]
    [InlineData("services: [ { name: a, isEntrypoint: true } ]")]
    [InlineData("services: [ { name: a, errorRate: 1% } ]")]
    [InlineData("services: [ { name: a, script: [ [ { call: b } ] ] }, { name: b } ]")]
    [InlineData("services: [ { name: a, script: [ { call: b } ] }, { name: b } ]")]
    [InlineData("DEFAULTS: {}\nServices: []")]
    public void A_file_with_isotope_keys_and_no_actormesh_top_level_key_is_isotope(string yaml) =>
        Assert.True(IsIsotope(yaml));

    [Theory]
    [InlineData("name: chain\nservices: [ { name: a } ]")]
    [InlineData("name: chain\ndefaults: {}\nservices: [ { name: a, numReplicas: 2 } ]")]
    [InlineData("services: [ { name: a } ]\nload: { rps: 10 }")]
    [InlineData("services: [ { name: a, replicas: 2 } ]")]
    [InlineData("services: [ { name: a, script: [ { parallel: [b] } ] }, { name: b } ]")]
    [InlineData("mesh: {}\nservices: [ { name: a, numReplicas: 2 } ]")]
    [InlineData("defaults: {}")]
    [InlineData("- name: a")]
    [InlineData("")]
    public void An_actormesh_file_or_something_else_is_not_isotope(string yaml) =>
        Assert.False(IsIsotope(yaml));

    [Fact]
    public void An_actormesh_file_without_its_name_is_read_as_actormesh_and_told_so()
    {
        var result = ActorMesh.Scenarios.Yaml.TopologyFile.Parse("services:\n  - name: a\n    replicas: 2\n", "chain.yaml");
        Assert.Equal(["chain.yaml:1:1: name: required key 'name' is missing"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Both_formats_load_through_the_same_entry_point()
    {
        var actorMesh = ActorMesh.Scenarios.Yaml.TopologyFile.Parse("name: chain\nservices: [ { name: a, replicas: 2 } ]\n", "chain.yaml");
        var isotope = ActorMesh.Scenarios.Yaml.TopologyFile.Parse("services: [ { name: a, numReplicas: 2 } ]\n", "graph.yaml");
        Assert.Equal(("chain", 2), (actorMesh.Topology!.Name, actorMesh.Topology.Services[0].Replicas));
        Assert.Equal(("graph", 2), (isotope.Topology!.Name, isotope.Topology.Services[0].Replicas));
    }
}
