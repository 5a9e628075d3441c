using System.Runtime.Versioning;

// The tests drive real servers with POSIX signals (SIGSTOP, SIGTERM): Linux (or WSL) only.
[assembly: SupportedOSPlatform("linux")]
