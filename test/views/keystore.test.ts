import { expect } from "chai";
import { encryptKeystoreJsonSync } from "ethers";
import { InputError, RejectedError } from "../../src/errors.ts";
import { decryptKeystore } from "../../src/views/keystore.ts";

// Test vector of the Web3 Secret Storage Definition (Ethereum wiki), PBKDF2-SHA-256 variant.
const PBKDF2_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

describe("views/keystore", () => {
  it("decrypts the Web3 Secret Storage PBKDF2 test vector", () => {
    expect(decryptKeystore(JSON.stringify(PBKDF2_VECTOR), "testpassword")).to.equal(
      "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
    );
  });

  it("decrypts an scrypt keystore written by ethers", () => {
    const key = `0x${"42".repeat(32)}` as const;
    const json = encryptKeystoreJsonSync(
      { address: "0x0000000000000000000000000000000000000000", privateKey: key },
      "pw",
      {
        scrypt: { N: 1024 },
      },
    );
    expect(decryptKeystore(json, "pw")).to.equal(key);
  });

  it("a wrong password is a RejectedError (MAC mismatch), never a wrong key", () => {
    expect(() => decryptKeystore(JSON.stringify(PBKDF2_VECTOR), "nope"))
      .to.throw(RejectedError)
      .with.property("code", "KEYSTORE_WRONG_PASSWORD");
  });

  it("malformed or unsupported keystores are InputErrors", () => {
    expect(() => decryptKeystore("{", "pw"))
      .to.throw(InputError)
      .with.property("code", "KEYSTORE_MALFORMED");
    expect(() => decryptKeystore(JSON.stringify({ version: 1 }), "pw")).to.throw(InputError);
    const noIv = { ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, cipherparams: {} } };
    expect(() => decryptKeystore(JSON.stringify(noIv), "pw"))
      .to.throw(InputError)
      .with.property("code", "KEYSTORE_MALFORMED");
    const cbc = { ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, cipher: "aes-128-cbc" } };
    expect(() => decryptKeystore(JSON.stringify(cbc), "pw"))
      .to.throw(InputError)
      .with.property("code", "KEYSTORE_UNSUPPORTED");
    const noRounds = {
      ...PBKDF2_VECTOR,
      crypto: { ...PBKDF2_VECTOR.crypto, kdfparams: { ...PBKDF2_VECTOR.crypto.kdfparams, c: 0 } },
    };
    expect(() => decryptKeystore(JSON.stringify(noRounds), "pw")).to.throw("kdfparams.c");
  });
});
