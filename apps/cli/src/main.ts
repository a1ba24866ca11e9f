import { KINDS } from "@helios/api"; console.log("helios cli stub", Object.keys(KINDS).join(","));
