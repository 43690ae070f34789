namespace ActorMesh.Tests.Support;

// VirtualTimeSpec moved to the ActorMesh.TestKit library (src/TestKit), which the test project
// imports with a global using. The namespace stays so that specs that still import it compile.
internal static class MovedToTestKit;
