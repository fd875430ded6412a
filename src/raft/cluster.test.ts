// Cluster membership flags: the peers list is parsed strictly and the node's own entry agrees with it.
import { expect, test } from "bun:test";
import { ClusterConfigError, clusterNodeName, parseClusterPeers } from "./cluster.ts";

const self = { id: 2, host: "127.0.0.1", port: 7002, clusterPort: 17002 };

test("peers with and without an explicit Raft port", () => {
  const members = parseClusterPeers("1=10.0.0.1:7001@9001, 2=127.0.0.1:7002,3=10.0.0.3:7003", self);
  expect(members).toEqual([
    { id: 1, host: "10.0.0.1", port: 7001, clusterPort: 9001 },
    { id: 2, host: "127.0.0.1", port: 7002, clusterPort: 17002 },
    { id: 3, host: "10.0.0.3", port: 7003, clusterPort: 17003 },
  ]);
});

test("this node is added when the list leaves it out", () => {
  expect(parseClusterPeers("1=h:7001", self).map((m) => m.id)).toEqual([1, 2]);
});

test("malformed, duplicate and contradicting entries are refused", () => {
  expect(() => parseClusterPeers("1=h", self)).toThrow(ClusterConfigError);
  expect(() => parseClusterPeers("1=h:7001,1=h:7002", self)).toThrow(ClusterConfigError);
  expect(() => parseClusterPeers("1=h:7001,2=h:7999", self)).toThrow(ClusterConfigError);
  expect(() => parseClusterPeers("", self)).toThrow(ClusterConfigError);
});

test("node names are 40 characters, as Redis Cluster's", () => {
  expect(clusterNodeName(3)).toBe("0000000000000000000000000000000000000003");
});
