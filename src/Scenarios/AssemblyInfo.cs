[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ActorMesh.Host")]
