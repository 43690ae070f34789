namespace ActorMesh.Scenarios; internal static class Placeholder {}
