// The loopback Hub that compare.sh measures every client against. Prints one JSON line —
// {"endpoint", "control", "repoCases", "fileCases"} — then serves until its standard input closes.
import BenchmarkInputs
import Foundation

struct Announcement: Encodable {
    let endpoint: String
    let control: String
    let repoCases: [RemoteRepoCase]
    let fileCases: [RemoteFileCase]
}

let server = try BenchmarkHub()
let announcement = Announcement(
    endpoint: server.hub.endpoint, control: server.control.baseURL,
    repoCases: HubRepositories.repoCases, fileCases: HubRepositories.fileCases)
FileHandle.standardOutput.write(try JSONEncoder().encode(announcement) + Data("\n".utf8))
while FileHandle.standardInput.availableData.count > 0 {}
server.stop()
