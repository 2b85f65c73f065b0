// The peer for the Koostöö benchmark: the same graph served by the Neo4j GraphQL
// Library (@neo4j/graphql, current major) on Apollo Server. Type definitions mirror
// ours for Organisation, Person, Event and Programme and the relationships between
// them (names as in ARCHITECTURE.md). Reads NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD,
// NEO4J_DATABASE optional) and PORT; prints "READY http://…" when it listens.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

export const typeDefs = /* GraphQL */ `
  enum OrganisationKind {
    MINISTRY AGENCY MUNICIPALITY NGO FOUNDATION RESEARCH UNIVERSITY NETWORK COMPANY
    RELIGIOUS FUND COUNCIL OTHER
  }
  enum EventKind {
    THINK_TANK_MEETING SEMINAR TRAINING FORUM INFO_DAY WORKSHOP WORKING_GROUP MEETING CALL OTHER
  }
  enum ProgrammeKind { PROJECT PROGRAMME PILOT }

  type Membership @relationshipProperties {
    role: String
    from: String
    to: String
  }
  type Attendance @relationshipProperties {
    role: String
  }

  type Organisation @node(labels: ["Organisation", "Entity"]) {
    id: ID!
    name: String!
    kind: OrganisationKind!
    shortName: String
    nameEn: String
    website: String
    description: String
    tags: [String!]
    aliases: [String!]
    members: [Person!]! @relationship(type: "MEMBER_OF", direction: IN, properties: "Membership")
    memberOrganisations: [Organisation!]! @relationship(type: "MEMBER_OF", direction: IN)
    networks: [Organisation!]! @relationship(type: "MEMBER_OF", direction: OUT)
    partOf: [Organisation!]! @relationship(type: "PART_OF", direction: OUT)
    events: [Event!]! @relationship(type: "ATTENDED", direction: OUT, properties: "Attendance")
    organised: [Event!]! @relationship(type: "ORGANISED", direction: OUT)
    fundedProgrammes: [Programme!]! @relationship(type: "FUNDED", direction: OUT)
    commissionedProgrammes: [Programme!]! @relationship(type: "COMMISSIONED", direction: OUT)
    implementedProgrammes: [Programme!]! @relationship(type: "IMPLEMENTED", direction: OUT)
  }

  type Person @node(labels: ["Person", "Entity"]) {
    id: ID!
    name: String!
    givenName: String
    familyName: String
    email: String
    phone: String
    bio: String
    memberships: [Organisation!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "Membership")
    events: [Event!]! @relationship(type: "ATTENDED", direction: OUT, properties: "Attendance")
  }

  type Event @node(labels: ["Event", "Entity"]) {
    id: ID!
    name: String!
    kind: EventKind!
    startDate: String
    endDate: String
    description: String
    attendees: [Person!]! @relationship(type: "ATTENDED", direction: IN, properties: "Attendance")
    attendingOrganisations: [Organisation!]! @relationship(type: "ATTENDED", direction: IN, properties: "Attendance")
    organisers: [Organisation!]! @relationship(type: "ORGANISED", direction: IN)
    funders: [Organisation!]! @relationship(type: "FUNDED", direction: IN)
    programmes: [Programme!]! @relationship(type: "PART_OF", direction: OUT)
  }

  type Programme @node(labels: ["Programme", "Entity"]) {
    id: ID!
    name: String!
    kind: ProgrammeKind!
    startDate: String
    endDate: String
    description: String
    events: [Event!]! @relationship(type: "PART_OF", direction: IN)
    organisers: [Organisation!]! @relationship(type: "ORGANISED", direction: IN)
    funders: [Organisation!]! @relationship(type: "FUNDED", direction: IN)
    commissioners: [Organisation!]! @relationship(type: "COMMISSIONED", direction: IN)
    implementers: [Organisation!]! @relationship(type: "IMPLEMENTED", direction: IN)
  }
`;

async function main() {
  const uri = process.env.NEO4J_URI;
  if (!uri) {
    console.error("NEO4J_URI is not set: point it at the Neo4j the benchmark loaded");
    process.exit(2);
  }
  const password = process.env.NEO4J_PASSWORD || "";
  const auth = password
    ? neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", password)
    : undefined;
  const driver = neo4j.driver(uri, auth, { disableLosslessIntegers: true });
  await driver.verifyConnectivity();
  const database = process.env.NEO4J_DATABASE || "neo4j";
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
  const server = new ApolloServer({ schema, introspection: true });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: Number(process.env.PORT || 4000) },
    context: async () => ({ sessionConfig: { database } }),
  });
  console.log(`READY ${url}`);
  const stop = async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
